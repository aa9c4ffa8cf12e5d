// Files imported as text through Vite's `?raw` (the registry snapshot in registry.ts).
declare module "*?raw" {
  const text: string;
  export default text;
}
