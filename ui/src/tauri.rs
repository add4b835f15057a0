//! The bridge to the backend: `window.__TAURI__.core.invoke` (enabled by
//! `withGlobalTauri` in tauri.conf.json).

use madoguchi_api::{Command, Event};
use madoguchi_core::message::{ApiError, Msg};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    fn tauri_listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>) -> js_sys::Promise;
}

/// Calls `handler` with the payload of every event `E` of the contract the
/// backend emits, for the life of the page.
pub fn listen<E: Event>(handler: impl Fn(E::Payload) + 'static)
where
    E::Payload: 'static,
{
    #[derive(serde::Deserialize)]
    struct Emitted<T> {
        payload: T,
    }
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        if let Ok(e) = serde_wasm_bindgen::from_value::<Emitted<E::Payload>>(v) {
            handler(e.payload);
        }
    });
    let _ = tauri_listen(E::NAME, &closure);
    // The listener lives as long as the page.
    closure.forget();
}

/// Calls command `C` of the contract. Any failure comes back as an
/// [`ApiError`] so the UI always has a message to show.
pub async fn invoke<C: Command>(args: &C::Args) -> Result<C::Reply, ApiError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| ApiError::new(Msg::new("error-internal").arg("detail", e)))?;
    match tauri_invoke(C::NAME, args).await {
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
