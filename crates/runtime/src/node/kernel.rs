//! The Glia kernel: the image's init scripts, run in name order with the
//! node's root capabilities bound, `:load` reading from the image.

use std::rc::Rc;

use glia_effects::std_effects::{self, Request};
use glia_effects::{Answer, Host, Value};

use super::Image;

/// Serves `:load` from the image; every other effect goes to `inner`.
#[derive(Debug)]
pub struct KernelHost<H> {
    pub inner: H,
    pub image: Rc<Image>,
}

impl<H: Host> Host for KernelHost<H> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        if let Some(Ok(Request::Load(path))) = std_effects::request(target, data.clone()) {
            return match self.image.read(&path) {
                Ok(bytes) => Answer::Value(Value::Bytes(Rc::new(bytes))),
                Err(e) => Answer::Error(std_effects::io_error("load", e)),
            };
        }
        self.inner.perform(target, data).await
    }
}

/// Runs every init script of `image` in `glia` (each starting in `user`,
/// with what the previous ones defined), form by form: a failing form is
/// reported on stderr with its span, and the script carries on with the
/// next. Returns how many scripts had a form fail.
pub async fn run_init<H: Host>(glia: &mut glia_eval::Glia, image: &Image, host: &mut H) -> usize {
    let mut failed = 0;
    for script in image.init_scripts() {
        let text = match image.read(&script) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("ww: init: {script}: {e}");
                failed += 1;
                continue;
            }
        };
        // Each script starts where the kernel does, in `user`.
        glia.set_ns("user");
        let read = glia_syntax::read(&text);
        // A script that does not read is one error (the evaluator reports
        // it), not one per form.
        let forms = if read.errors.is_empty() {
            read.forms.len()
        } else {
            1
        };
        let mut errors = 0;
        for index in 0..forms {
            let outcome = if read.errors.is_empty() {
                glia_effects::eval_form(glia, &script, &text, index, host).await
            } else {
                glia_effects::eval(glia, &script, &text, host).await
            };
            if let Err(e) = outcome {
                errors += 1;
                eprint!(
                    "ww: init: {script}: a form failed:\n{}",
                    e.report().render_plain()
                );
            }
        }
        if errors == 0 {
            eprintln!("ww: init: {script}: ok");
        } else {
            failed += 1;
            eprintln!("ww: init: {script} failed ({errors} of its forms); the rest of it ran");
        }
    }
    failed
}
