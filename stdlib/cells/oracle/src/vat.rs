//! The oracle over Cap'n Proto: an `Oracle` (`schema/oracle.capnp`).

use std::rc::Rc;

use ww_guest::schema::oracle_capnp::oracle;

use crate::feeds::Feeds;

struct Oracle(Feeds);

impl oracle::Server for Oracle {
    async fn get(
        self: Rc<Self>,
        params: oracle::GetParams,
        mut results: oracle::GetResults,
    ) -> Result<(), capnp::Error> {
        let key = params.get()?.get_key()?.to_str()?;
        let feed = self.0.get(key).map_err(capnp::Error::failed)?;
        let mut r = results.get();
        r.set_value(&feed.value);
        r.set_as_of(&feed.as_of);
        Ok(())
    }

    async fn keys(
        self: Rc<Self>,
        _: oracle::KeysParams,
        mut results: oracle::KeysResults,
    ) -> Result<(), capnp::Error> {
        let count = u32::try_from(self.0.iter().len())
            .map_err(|_| capnp::Error::failed("more feeds than a list can hold".into()))?;
        let mut keys = results.get().init_keys(count);
        for (i, feed) in (0..count).zip(self.0.iter()) {
            keys.set(i, &feed.key);
        }
        Ok(())
    }
}

/// Serves `feeds` until the host hangs up. Without them, calls on the
/// oracle get the reason, and so does the caller of this.
pub fn serve(feeds: Result<Feeds, String>) -> Result<(), capnp::Error> {
    ww_guest::vat::serve(move |_grants| async move {
        let oracle: oracle::Client =
            capnp_rpc::new_client(Oracle(feeds.map_err(capnp::Error::failed)?));
        Ok(oracle.client)
    })
}
