// What the browser tests and benches import from the web UI (pure helpers, no React): the colour
// scale the heat maps draw with, so a test can check pixels against the data.
export { colourOf, robustRange } from './colour-scale';
