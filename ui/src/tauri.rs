//! The bridge to the backend: `window.__TAURI__.core.invoke` (enabled by
//! `withGlobalTauri` in tauri.conf.json).

use madoguchi_core::message::{ApiError, Msg};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    fn tauri_listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>) -> js_sys::Promise;
}

/// Calls `handler` with the payload of every `event` the backend emits, for
/// the life of the page.
pub fn listen<T: DeserializeOwned + 'static>(event: &str, handler: impl Fn(T) + 'static) {
    #[derive(serde::Deserialize)]
    struct Event<T> {
        payload: T,
    }
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        if let Ok(e) = serde_wasm_bindgen::from_value::<Event<T>>(v) {
            handler(e.payload);
        }
    });
    let _ = tauri_listen(event, &closure);
    // The listener lives as long as the page.
    closure.forget();
}

/// Calls a backend command. Any failure comes back as an [`ApiError`] so the
/// UI always has a message to show.
pub async fn invoke<T: DeserializeOwned>(cmd: &str, args: &impl Serialize) -> Result<T, ApiError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| ApiError::new(Msg::new("error-internal").arg("detail", e)))?;
    match tauri_invoke(cmd, args).await {
        Ok(v) => serde_wasm_bindgen::from_value(v)
            .map_err(|e| ApiError::new(Msg::new("error-internal").arg("detail", e))),
        Err(e) => Err(serde_wasm_bindgen::from_value::<ApiError>(e.clone()).unwrap_or_else(|_| {
            ApiError::new(Msg::new("error-internal").arg("detail", e.as_string().unwrap_or_else(|| format!("{e:?}"))))
        })),
    }
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
