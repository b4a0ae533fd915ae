// Static files for S3 + CloudFront: one HTML page, JS and CSS files with hashed names (big pages lazy-loaded).
// Paths are absolute (/assets/…) because pages live at paths like /e/<slug>; JSX is Preact's.
export default {
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    manifest: true, // dist/.vite/manifest.json: which chunks a first visit loads (tests/browser/test_web_bundle.py)
  },
};
