//! The desk UI's pure parts: what the window computes before it writes the
//! DOM — words and dates ([`format`]) and the keyboard flow of the card entry
//! ([`entry`]). No DOM and no wasm here, so `cargo test --workspace --exclude
//! madoguchi-ui` (the test stage, which cannot build the wasm-only UI
//! natively) runs their tests; the UI (`ui/`) uses them as they are.

pub mod entry;
pub mod format;
