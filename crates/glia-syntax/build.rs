fn main() {
    lalrpop::process_src().expect("the Glia grammar (src/grammar.lalrpop) must compile");
}
