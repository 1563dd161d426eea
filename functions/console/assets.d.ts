/** The console's files, built from console/ when this function is bundled (scripts/console-assets.cjs). */
declare module 'virtual:console-assets' {
  const assets: Readonly<Record<string, string>>;
  export default assets;
}
