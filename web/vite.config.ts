// Static files for S3 + CloudFront: one HTML page, one JS and one CSS file with hashed names.
// Paths are absolute (/assets/…) because pages live at paths like /e/<slug>; JSX is Preact's.
export default {
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", modulePreload: { polyfill: false } },
};
