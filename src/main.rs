//! The demo app. Serve it with `scripts/serve.sh` (trunk) and open
//! http://127.0.0.1:8080.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(leptos_jwt_session::app::App);
}
