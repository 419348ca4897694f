//! `with-effect-handler`: the body becomes a thunk that `Op::Handle` calls
//! with the handler installed, so that a `perform` inside it suspends whole
//! frames (see `vm::effects`).

use glia_syntax::{Form, Span};

use crate::chunk::{Op, Reg};
use crate::compiler::Compiler;
use crate::error::Error;

impl Compiler<'_> {
    /// `(with-effect-handler target handler body...)`.
    pub(super) fn compile_with_effect_handler(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
    ) -> Result<(), Error> {
        Self::arg_count(
            span,
            "with-effect-handler",
            args,
            2,
            crate::builtins::MANY,
            "(with-effect-handler :my/effect (fn [data resume] (resume ...)) body...)",
        )?;
        let mark = self.mark();
        let base = self.temp();
        let handler = self.temp();
        let thunk = self.temp();
        self.compile(&args[0], base, false)?;
        self.compile(&args[1], handler, false)?;
        self.compile_thunk(span, "with-effect-handler", &args[2..], thunk)?;
        self.emit(Op::Handle { base, dst }, span);
        self.emit(Op::Unhandle, span);
        self.release(mark);
        Ok(())
    }
}
