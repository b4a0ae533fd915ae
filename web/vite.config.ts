// Static files for S3 + CloudFront: one HTML page, one JS and one CSS file with hashed names.
export default {
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", modulePreload: { polyfill: false } },
};
