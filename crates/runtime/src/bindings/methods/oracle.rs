//! `Oracle` (`schema/oracle.capnp`) as Glia calls.

use std::rc::Rc;

use glia_eval::{Error, Value};

use super::Call;
use super::network::{text, texts};
use crate::schema::oracle_capnp::oracle;

impl Call<'_> {
    pub(super) async fn oracle(&self, cap: oracle::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("get", [key]) => {
                let mut request = cap.get_request();
                request.get().set_key(self.text(key, "the key")?);
                let (value, as_of) = self
                    .ask(request, |r| {
                        Ok((text(r.get_value())?, text(r.get_as_of())?))
                    })
                    .await?;
                let map: glia_eval::value::Map = [
                    (Value::keyword(None, "value"), value),
                    (Value::keyword(None, "as-of"), as_of),
                ]
                .into_iter()
                .collect();
                Ok(Value::Map(Rc::new(map)))
            }
            ("get", _) => Err(self.arity("(perform oracle :get \"key\")")),
            ("keys", []) => self.ask(cap.keys_request(), |r| texts(r.get_keys())).await,
            ("keys", _) => Err(self.arity("(perform oracle :keys)")),
            _ => Err(self.unbound()),
        }
    }
}
