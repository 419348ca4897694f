//! `greeter`: the standard cell of the greeter example, in `vat` mode.
//!
//! It serves a `Greeter` (`schema/greeter.capnp`): `greet` answers
//! `<GREETING>, <name>!` (`GREETING` from its environment, `Hello` if
//! unset) and counts the greetings it has made. It needs no grants. A
//! node serving it per connection (`Host.listen` on
//! `/ww/0.1.0/vat/greeter`) gives each peer a greeter of its own, whose
//! count starts again.

use std::cell::Cell;
use std::rc::Rc;

use ww_guest::schema::greeter_capnp::greeter;

/// The longest name greeted, in bytes: a greeting is not a way to make
/// the cell hold (or send back) arbitrary amounts of data.
const MAX_NAME: usize = 256;

struct Greeter {
    greeting: String,
    count: Cell<u64>,
}

impl greeter::Server for Greeter {
    async fn greet(
        self: Rc<Self>,
        params: greeter::GreetParams,
        mut results: greeter::GreetResults,
    ) -> Result<(), capnp::Error> {
        let name = params.get()?.get_name()?.to_str()?;
        if name.len() > MAX_NAME {
            return Err(capnp::Error::failed(format!(
                "a name of {} bytes is too long to greet (at most {MAX_NAME})",
                name.len()
            )));
        }
        let name = if name.trim().is_empty() {
            "stranger"
        } else {
            name
        };
        self.count.set(self.count.get() + 1);
        let mut r = results.get();
        r.set_greeting(format!("{}, {name}!", self.greeting));
        r.set_count(self.count.get());
        Ok(())
    }
}

fn main() -> Result<(), capnp::Error> {
    let greeting = std::env::var("GREETING").unwrap_or_else(|_| "Hello".to_string());
    ww_guest::vat::serve(|_grants| async move {
        let greeter: greeter::Client = capnp_rpc::new_client(Greeter {
            greeting,
            count: Cell::new(0),
        });
        Ok(greeter.client)
    })
}
