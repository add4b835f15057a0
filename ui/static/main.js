// Loads the Leptos UI (wasm-bindgen --target web output).
import init from './madoguchi_ui.js';
init();
