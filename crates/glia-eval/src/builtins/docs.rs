//! Docstrings and arglists of the vars that are defined natively or by
//! forms that carry none (special-form macros, short Glia fns): `doc`,
//! `apropos` and the language server read them from the vars' metadata.
//! Each entry is `(name, arglists, doc)`; a `glia.string/` prefix names
//! that namespace. Entries only fill in what a var lacks.

pub static DOCS: &[(&str, &str, &str)] = &[
    // ---- numbers
    (
        "+",
        "([] [x] [x y] [x y & more])",
        "The sum of the numbers (0 for none). Integer overflow is an error; use +' to promote to bigint.",
    ),
    (
        "+'",
        "([] [x] [x y] [x y & more])",
        "The sum, promoting to bigint instead of overflowing.",
    ),
    (
        "-",
        "([x] [x y] [x y & more])",
        "Subtracts the rest from the first, or negates a single number.",
    ),
    (
        "-'",
        "([x] [x y] [x y & more])",
        "`-`, promoting to bigint instead of overflowing.",
    ),
    (
        "*",
        "([] [x] [x y] [x y & more])",
        "The product of the numbers (1 for none).",
    ),
    (
        "*'",
        "([] [x] [x y] [x y & more])",
        "The product, promoting to bigint instead of overflowing.",
    ),
    (
        "/",
        "([x] [x y] [x y & more])",
        "Divides the first by the rest (the reciprocal of one number); integers divide to ratios.",
    ),
    (
        "quot",
        "([num div])",
        "The quotient of integer division, rounded toward zero.",
    ),
    (
        "rem",
        "([num div])",
        "The remainder of `quot`: the sign of `num`.",
    ),
    ("mod", "([num div])", "The modulus: the sign of `div`."),
    ("inc", "([x])", "x + 1."),
    ("inc'", "([x])", "x + 1, promoting to bigint."),
    ("dec", "([x])", "x - 1."),
    ("dec'", "([x])", "x - 1, promoting to bigint."),
    (
        "<",
        "([x] [x y] [x y & more])",
        "Whether the numbers increase strictly.",
    ),
    (
        ">",
        "([x] [x y] [x y & more])",
        "Whether the numbers decrease strictly.",
    ),
    (
        "<=",
        "([x] [x y] [x y & more])",
        "Whether the numbers never decrease.",
    ),
    (
        ">=",
        "([x] [x y] [x y & more])",
        "Whether the numbers never increase.",
    ),
    (
        "==",
        "([x] [x y] [x y & more])",
        "Whether the numbers are equal by value, across types (1 and 1.0).",
    ),
    (
        "=",
        "([x] [x y] [x y & more])",
        "Equality of values: collections by content, numbers within their kind (1 is not 1.0).",
    ),
    ("not=", "([x] [x y] [x y & more])", "(not (= ...))."),
    ("max", "([x] [x y] [x y & more])", "The greatest number."),
    ("min", "([x] [x y] [x y & more])", "The least number."),
    ("abs", "([x])", "The absolute value."),
    ("zero?", "([x])", "Whether the number is zero."),
    ("pos?", "([x])", "Whether the number is above zero."),
    ("neg?", "([x])", "Whether the number is below zero."),
    ("even?", "([n])", "Whether the integer is even."),
    ("odd?", "([n])", "Whether the integer is odd."),
    ("number?", "([x])", "Whether x is a number."),
    (
        "integer?",
        "([x])",
        "Whether x is an integer (long or bigint).",
    ),
    ("int?", "([x])", "Whether x is a fixed-size integer."),
    ("ratio?", "([x])", "Whether x is a ratio."),
    ("double?", "([x])", "Whether x is a double."),
    ("float?", "([x])", "Whether x is a floating-point number."),
    ("NaN?", "([x])", "Whether the double is NaN."),
    (
        "int",
        "([x])",
        "x as an integer (doubles truncate; characters give their code point).",
    ),
    ("long", "([x])", "x as an integer (doubles truncate)."),
    ("double", "([x])", "x as a double."),
    ("bigint", "([x])", "x as a bigint."),
    ("numerator", "([r])", "The numerator of a ratio."),
    ("denominator", "([r])", "The denominator of a ratio."),
    (
        "compare",
        "([x y])",
        "-1, 0 or 1 as x is less than, equal to or greater than y: numbers, strings, keywords, symbols, vectors; nil first.",
    ),
    ("bit-and", "([x y & more])", "Bitwise and."),
    ("bit-or", "([x y & more])", "Bitwise or."),
    ("bit-xor", "([x y & more])", "Bitwise exclusive or."),
    (
        "bit-and-not",
        "([x y & more])",
        "Bitwise and with the complement of the rest.",
    ),
    ("bit-not", "([x])", "Bitwise complement."),
    ("bit-shift-left", "([x n])", "x shifted left by n bits."),
    (
        "bit-shift-right",
        "([x n])",
        "x shifted right by n bits, keeping the sign.",
    ),
    (
        "unsigned-bit-shift-right",
        "([x n])",
        "x shifted right by n bits, filling with zeros.",
    ),
    ("bit-test", "([x n])", "Whether bit n of x is set."),
    ("bit-set", "([x n])", "x with bit n set."),
    ("bit-clear", "([x n])", "x with bit n cleared."),
    ("bit-flip", "([x n])", "x with bit n flipped."),
    (
        "parse-long",
        "([s])",
        "The integer the string spells, or nil.",
    ),
    (
        "parse-double",
        "([s])",
        "The double the string spells, or nil.",
    ),
    (
        "parse-boolean",
        "([s])",
        "true for \"true\", false for \"false\", else nil.",
    ),
    (
        "format",
        "([fmt & args])",
        "A string from a Java-style format: %s %d %f %e %g %x %o %c %b %n %% with flags, width and precision.",
    ),
    // ---- predicates and identity
    ("nil?", "([x])", "Whether x is nil."),
    ("some?", "([x])", "Whether x is not nil."),
    ("true?", "([x])", "Whether x is true."),
    ("false?", "([x])", "Whether x is false."),
    ("boolean?", "([x])", "Whether x is a boolean."),
    ("boolean", "([x])", "false for nil and false, else true."),
    ("not", "([x])", "true for nil and false, else false."),
    ("string?", "([x])", "Whether x is a string."),
    ("keyword?", "([x])", "Whether x is a keyword."),
    ("symbol?", "([x])", "Whether x is a symbol."),
    ("char?", "([x])", "Whether x is a character."),
    ("map?", "([x])", "Whether x is a map."),
    ("vector?", "([x])", "Whether x is a vector."),
    ("list?", "([x])", "Whether x is a list."),
    ("set?", "([x])", "Whether x is a set."),
    (
        "seq?",
        "([x])",
        "Whether x is a seq (a list, cons or lazy seq).",
    ),
    ("fn?", "([x])", "Whether x is a fn."),
    (
        "ifn?",
        "([x])",
        "Whether x can be called (fns, keywords, maps, sets, vectors, vars).",
    ),
    ("var?", "([x])", "Whether x is a var."),
    ("atom?", "([x])", "Whether x is an atom."),
    ("regex?", "([x])", "Whether x is a regex."),
    ("bytes?", "([x])", "Whether x is binary data."),
    ("coll?", "([x])", "Whether x is a collection."),
    (
        "sequential?",
        "([x])",
        "Whether x is an ordered collection (list, vector, seq).",
    ),
    (
        "associative?",
        "([x])",
        "Whether x has keys (maps, vectors).",
    ),
    ("sorted?", "([x])", "Whether x is a sorted map or set."),
    (
        "counted?",
        "([x])",
        "Whether `count` takes constant time on x.",
    ),
    ("delay?", "([x])", "Whether x is a delay."),
    (
        "realized?",
        "([x])",
        "Whether a lazy seq or delay has its value yet.",
    ),
    ("reduced?", "([x])", "Whether x is a `reduced` value."),
    (
        "reduced",
        "([x])",
        "Wraps x so that `reduce` stops with it.",
    ),
    ("identity", "([x])", "x."),
    (
        "identical?",
        "([x y])",
        "Whether x and y are the same object.",
    ),
    (
        "type",
        "([x])",
        "A keyword naming x's type: :integer, :string, :map...",
    ),
    ("hash", "([x])", "A hash consistent with `=`."),
    // ---- collections
    ("list", "([& items])", "A list of the items."),
    ("vector", "([& items])", "A vector of the items."),
    ("hash-map", "([& kvs])", "A map of the keys and values."),
    (
        "array-map",
        "([& kvs])",
        "A map of the keys and values, in insertion order.",
    ),
    ("sorted-map", "([& kvs])", "A map sorted by key."),
    ("hash-set", "([& items])", "A set of the items."),
    ("sorted-set", "([& items])", "A sorted set of the items."),
    ("set", "([coll])", "A set of the elements of coll."),
    ("vec", "([coll])", "A vector of the elements of coll."),
    (
        "count",
        "([coll])",
        "The number of elements (characters of a string).",
    ),
    (
        "get",
        "([m k] [m k not-found])",
        "The value at key k (an index for vectors and strings), or not-found (nil).",
    ),
    (
        "contains?",
        "([coll k])",
        "Whether coll has the key k (an index, for vectors).",
    ),
    (
        "conj",
        "([] [coll] [coll x] [coll x & xs])",
        "coll with the xs added where it adds fastest: lists at the front, vectors at the end.",
    ),
    (
        "assoc",
        "([m k v] [m k v & kvs])",
        "The map (or vector) with k set to v.",
    ),
    ("dissoc", "([m] [m k & ks])", "The map without the keys."),
    ("disj", "([s] [s k & ks])", "The set without the elements."),
    (
        "nth",
        "([coll i] [coll i not-found])",
        "The element at index i; out of bounds is an error unless not-found is given.",
    ),
    (
        "peek",
        "([coll])",
        "The first element of a list, the last of a vector.",
    ),
    (
        "pop",
        "([coll])",
        "The list without its first element, the vector without its last.",
    ),
    (
        "subvec",
        "([v start] [v start end])",
        "The elements of v from start up to end.",
    ),
    ("keys", "([m])", "The keys of the map, or nil."),
    ("vals", "([m])", "The values of the map, or nil."),
    ("find", "([m k])", "The entry [k v] for key k, or nil."),
    ("key", "([e])", "The key of a map entry."),
    ("val", "([e])", "The value of a map entry."),
    ("empty", "([coll])", "An empty collection of the same kind."),
    ("empty?", "([coll])", "Whether coll has no elements."),
    ("first", "([coll])", "The first element, or nil."),
    ("second", "([coll])", "The second element, or nil."),
    (
        "last",
        "([coll])",
        "The last element, or nil (walks the whole seq).",
    ),
    ("butlast", "([coll])", "All but the last element, or nil."),
    (
        "rest",
        "([coll])",
        "The elements after the first, possibly empty (lazy seqs stay lazy).",
    ),
    ("next", "([coll])", "The elements after the first, or nil."),
    ("nthnext", "([coll n])", "`next` n times."),
    ("nthrest", "([coll n])", "`rest` n times."),
    (
        "seq",
        "([coll])",
        "A seq of the elements, or nil when there are none.",
    ),
    (
        "chunked-seq?",
        "([s])",
        "Whether s is a chunked seq (elements realized 32 at a time).",
    ),
    (
        "chunk-first",
        "([s])",
        "The elements left in the first chunk of a chunked seq, as a vector.",
    ),
    (
        "chunk-rest",
        "([s])",
        "What follows the first chunk of a chunked seq.",
    ),
    (
        "cons",
        "([x coll])",
        "A seq of x followed by the elements of coll (a lazy coll stays lazy).",
    ),
    (
        "list*",
        "([args] [a args] [a b args] [a b c & more])",
        "A seq of the items followed by the elements of the last argument.",
    ),
    ("reverse", "([coll])", "The elements in reverse order."),
    ("meta", "([x])", "The metadata of x, or nil."),
    ("with-meta", "([x m])", "x with metadata m."),
    // ---- atoms, vars, namespaces
    (
        "atom",
        "([x] [x & options])",
        "A mutable reference holding x; change it with swap! or reset!.",
    ),
    (
        "deref",
        "([ref])",
        "The value of an atom, var, delay (forcing it) or reduced value; @ref.",
    ),
    (
        "add-watch",
        "([atom key f])",
        "Calls (f key atom old new) after each change of the atom.",
    ),
    (
        "remove-watch",
        "([atom key])",
        "Removes the watch with that key.",
    ),
    ("var-get", "([v])", "The value of a var."),
    ("bound?", "([v])", "Whether the var has a value."),
    (
        "in-ns",
        "([name])",
        "Makes `name` (a symbol) the current namespace, creating it if needed.",
    ),
    (
        "find-ns",
        "([name])",
        "The namespace's name if it is loaded, else nil.",
    ),
    (
        "create-ns",
        "([name])",
        "Creates a namespace (if missing); returns its name.",
    ),
    ("all-ns", "([])", "The names of the loaded namespaces."),
    ("ns-name", "([ns])", "The name of a namespace, as a symbol."),
    (
        "ns-publics",
        "([ns])",
        "A map from symbol to var of the namespace's public vars.",
    ),
    (
        "ns-interns",
        "([ns])",
        "A map from symbol to var of all the namespace's vars.",
    ),
    (
        "ns-aliases",
        "([ns])",
        "A map from alias to namespace name.",
    ),
    (
        "resolve",
        "([sym])",
        "The var the symbol names here, or nil.",
    ),
    ("gensym", "([] [prefix])", "A fresh symbol."),
    (
        "macroexpand-1",
        "([form])",
        "form with its macro call expanded once.",
    ),
    (
        "macroexpand",
        "([form])",
        "form expanded until it is no longer a macro call.",
    ),
    ("*ns*", "", "The current namespace's name."),
    // ---- strings, keywords, symbols
    (
        "str",
        "([] [x] [x & ys])",
        "The concatenation of the arguments as text (nil as empty).",
    ),
    (
        "pr-str",
        "([& xs])",
        "The arguments printed readably, separated by spaces.",
    ),
    ("prn-str", "([& xs])", "`pr-str`, then a newline."),
    (
        "print-str",
        "([& xs])",
        "The arguments printed for humans, separated by spaces.",
    ),
    ("println-str", "([& xs])", "`print-str`, then a newline."),
    (
        "subs",
        "([s start] [s start end])",
        "The characters of s from start up to end.",
    ),
    (
        "name",
        "([x])",
        "The name of a keyword or symbol (a string as is).",
    ),
    (
        "namespace",
        "([x])",
        "The namespace of a keyword or symbol, or nil.",
    ),
    ("keyword", "([name] [ns name])", "A keyword."),
    ("symbol", "([name] [ns name])", "A symbol."),
    ("char", "([n])", "The character with code point n."),
    (
        "re-pattern",
        "([s])",
        "A regex from a string (Rust regex syntax: no backreferences or lookaround).",
    ),
    (
        "re-find",
        "([re s])",
        "The first match in s: the matched text, or [match group...] with groups; nil for none.",
    ),
    (
        "re-matches",
        "([re s])",
        "The match of the whole of s, as re-find gives it, or nil.",
    ),
    (
        "re-seq",
        "([re s])",
        "Every match in s, as re-find gives them.",
    ),
    // ---- errors, capabilities, effects
    (
        "ex-info",
        "([msg data] [msg data cause])",
        "An exception with a message and a data map.",
    ),
    ("ex-data", "([e])", "The data map of an exception."),
    ("ex-message", "([e])", "The message of an exception."),
    ("ex-cause", "([e])", "The cause of an exception, or nil."),
    (
        "error-type",
        "([e])",
        "The :glia.error/type keyword of an exception.",
    ),
    (
        "perform",
        "([effect & args])",
        "Performs an effect: the innermost handler for it (with-effect-handler) or the host answers.",
    ),
    (
        "apply",
        "([f args] [f x args] [f x y args] [f x y z & args])",
        "Calls f with the arguments, the last one spread.",
    ),
    (
        "attenuate",
        "([cap methods])",
        "A copy of the capability allowing only those methods.",
    ),
    ("methods", "([cap])", "The methods a capability allows."),
    (
        "doc-string",
        "([x])",
        "The docstring of a capability or var, or nil.",
    ),
    ("cap?", "([x])", "Whether x is a capability."),
    // ---- glia.string
    (
        "glia.string/join",
        "([coll] [separator coll])",
        "The elements as text, separated by separator.",
    ),
    (
        "glia.string/split",
        "([s re] [s re limit])",
        "s split at the matches of re (a vector); trailing empty parts are dropped.",
    ),
    ("glia.string/split-lines", "([s])", "s split at line ends."),
    (
        "glia.string/trim",
        "([s])",
        "s without leading and trailing whitespace.",
    ),
    (
        "glia.string/triml",
        "([s])",
        "s without leading whitespace.",
    ),
    (
        "glia.string/trimr",
        "([s])",
        "s without trailing whitespace.",
    ),
    (
        "glia.string/trim-newline",
        "([s])",
        "s without trailing newlines and returns.",
    ),
    ("glia.string/upper-case", "([s])", "s in upper case."),
    ("glia.string/lower-case", "([s])", "s in lower case."),
    (
        "glia.string/capitalize",
        "([s])",
        "s with its first character upper case and the rest lower case.",
    ),
    (
        "glia.string/reverse",
        "([s])",
        "s with its characters in reverse order.",
    ),
    (
        "glia.string/blank?",
        "([s])",
        "Whether s is nil, empty or only whitespace.",
    ),
    (
        "glia.string/includes?",
        "([s substr])",
        "Whether s contains substr.",
    ),
    (
        "glia.string/starts-with?",
        "([s substr])",
        "Whether s starts with substr.",
    ),
    (
        "glia.string/ends-with?",
        "([s substr])",
        "Whether s ends with substr.",
    ),
    (
        "glia.string/index-of",
        "([s value] [s value from])",
        "The index of the first occurrence of value (from `from`), or nil.",
    ),
    (
        "glia.string/last-index-of",
        "([s value])",
        "The index of the last occurrence of value, or nil.",
    ),
    (
        "glia.string/replace",
        "([s match replacement])",
        "s with every match replaced: a string or char for a string or char, or a regex for a string ($1 names a group).",
    ),
    (
        "glia.string/replace-first",
        "([s match replacement])",
        "s with the first match replaced, as `replace`.",
    ),
    (
        "glia.string/escape",
        "([s cmap])",
        "s with each character found in the map cmap replaced by its value.",
    ),
    (
        "glia.string/re-quote-replacement",
        "([replacement])",
        "The replacement string with $ and \\ escaped.",
    ),
    // ---- macros and short fns written in Glia
    (
        "and",
        "([] [x] [x & more])",
        "The first falsy value, or the last value; stops evaluating at a falsy one.",
    ),
    (
        "or",
        "([] [x] [x & more])",
        "The first truthy value, or the last value; stops evaluating at a truthy one.",
    ),
    (
        "when",
        "([test & body])",
        "The body's value if test holds, else nil.",
    ),
    (
        "when-not",
        "([test & body])",
        "The body's value unless test holds.",
    ),
    (
        "if-not",
        "([test then] [test then else])",
        "(if (not test) then else).",
    ),
    (
        "cond",
        "([& clauses])",
        "The value of the first test-expression pair whose test holds.",
    ),
    (
        "condp",
        "([pred expr & clauses])",
        "The result of the first clause for which (pred test expr) holds.",
    ),
    (
        "if-let",
        "([[binding test] then] [[binding test] then else])",
        "then with binding bound to test's value if it is truthy, else else.",
    ),
    (
        "when-let",
        "([[binding test] & body])",
        "The body with binding bound to test's value, if it is truthy.",
    ),
    (
        "if-some",
        "([[binding test] then] [[binding test] then else])",
        "`if-let`, for any value but nil.",
    ),
    (
        "when-some",
        "([[binding test] & body])",
        "`when-let`, for any value but nil.",
    ),
    (
        "when-first",
        "([[x coll] & body])",
        "The body with x bound to the first element, if coll has one.",
    ),
    (
        "->",
        "([x & forms])",
        "Threads x through the forms as their first argument.",
    ),
    (
        "->>",
        "([x & forms])",
        "Threads x through the forms as their last argument.",
    ),
    (
        "as->",
        "([expr name & forms])",
        "Threads expr through the forms, bound to name in each.",
    ),
    ("some->", "([expr & forms])", "`->`, stopping at nil."),
    ("some->>", "([expr & forms])", "`->>`, stopping at nil."),
    (
        "cond->",
        "([expr & clauses])",
        "Threads expr (as `->`) through the forms whose tests hold.",
    ),
    (
        "cond->>",
        "([expr & clauses])",
        "Threads expr (as `->>`) through the forms whose tests hold.",
    ),
    (
        "dotimes",
        "([[i n] & body])",
        "Runs the body n times with i bound to 0, 1, ...",
    ),
    (
        "doto",
        "([x & forms])",
        "Calls each form with x as its first argument; returns x.",
    ),
    (
        "doseq",
        "([bindings & body])",
        "Runs the body for each combination of the bindings (:let, :when, :while as in for); nil.",
    ),
    (
        "for",
        "([bindings body])",
        "A lazy seq of body for each combination of the bindings (:let, :when, :while).",
    ),
    (
        "while",
        "([test & body])",
        "Runs the body while test holds.",
    ),
    (
        "defn",
        "([name doc? attr-map? [params] & body] [name doc? attr-map? & arities])",
        "Defines a fn with a name, optional docstring and metadata.",
    ),
    (
        "defn-",
        "([name & fdecl])",
        "`defn`, private to its namespace.",
    ),
    (
        "defonce",
        "([name expr])",
        "Defines name unless it already has a value.",
    ),
    (
        "declare",
        "([& names])",
        "Declares vars to be defined later.",
    ),
    ("comment", "([& body])", "Ignores the body; nil."),
    (
        "lazy-seq",
        "([& body])",
        "A seq whose body runs when its elements are first needed.",
    ),
    (
        "lazy-cat",
        "([& colls])",
        "A lazy concatenation of the colls, each evaluated when reached.",
    ),
    (
        "delay",
        "([& body])",
        "A value whose body runs on the first force or deref.",
    ),
    (
        "assert",
        "([x] [x message])",
        "Throws when x is false or nil.",
    ),
    (
        "time",
        "([expr])",
        "Evaluates expr, printing how long it took.",
    ),
    (
        "with-out-str",
        "([& body])",
        "What the body printed, as a string.",
    ),
    (
        "with-redefs",
        "([bindings & body])",
        "Runs the body with vars' roots temporarily replaced.",
    ),
    (
        "vswap!",
        "([v f & args])",
        "Sets a volatile to (f value args...).",
    ),
    (
        "defcap",
        "([name doc? & method-fns])",
        "Defines a capability whose methods are Glia fns.",
    ),
    (
        "handle",
        "([[effect handler ...] & body])",
        "Runs the body under several effect handlers.",
    ),
    (
        "ns",
        "([name & clauses])",
        "Makes name the current namespace and loads its (:require ...) clauses.",
    ),
    ("doc", "([name])", "Prints a var's docstring and arglists."),
    (
        "source",
        "([name])",
        "Prints the source of a var defined in Glia.",
    ),
    (
        "comp",
        "",
        "The composition of the fns: ((comp f g) x) is (f (g x)).",
    ),
    (
        "complement",
        "",
        "A fn returning the opposite truth value of f.",
    ),
    (
        "constantly",
        "",
        "A fn that returns x whatever its arguments.",
    ),
    ("partial", "", "f with its first arguments supplied."),
    (
        "juxt",
        "",
        "A fn returning the vector of each fn applied to its arguments.",
    ),
    (
        "fnil",
        "",
        "f with nil first arguments replaced by defaults.",
    ),
    (
        "frequencies",
        "([coll])",
        "A map from each distinct element to how many times it occurs.",
    ),
    (
        "group-by",
        "",
        "A map from (f x) to the vector of the elements giving it.",
    ),
    (
        "merge",
        "",
        "The maps merged, later keys winning; nil for none.",
    ),
    (
        "merge-with",
        "",
        "The maps merged, values of repeated keys combined with f.",
    ),
    ("select-keys", "", "The map with only the given keys."),
    (
        "zipmap",
        "",
        "A map from the keys to the corresponding values.",
    ),
    (
        "get-in",
        "",
        "The value in nested associative structures at the key path.",
    ),
    (
        "assoc-in",
        "",
        "The nested structure with the value at the key path set.",
    ),
    (
        "update",
        "",
        "The map with the value at k replaced by (f value args...).",
    ),
    (
        "update-in",
        "",
        "The nested structure with the value at the path replaced by (f value args...).",
    ),
    ("vary-meta", "", "x with metadata (f (meta x) args...)."),
    ("not-empty", "", "coll if it has elements, else nil."),
    ("not-any?", "", "Whether pred holds for no element."),
    ("not-every?", "", "Whether pred fails for some element."),
    ("newline", "", "Prints a newline."),
    ("ffirst", "", "(first (first x))."),
    ("fnext", "", "(first (next x))."),
    ("nfirst", "", "(next (first x))."),
    ("nnext", "", "(next (next x))."),
    ("ident?", "", "Whether x is a keyword or symbol."),
    (
        "simple-ident?",
        "",
        "A keyword or symbol without a namespace.",
    ),
    (
        "qualified-ident?",
        "",
        "A keyword or symbol with a namespace.",
    ),
    ("simple-keyword?", "", "A keyword without a namespace."),
    ("qualified-keyword?", "", "A keyword with a namespace."),
    ("simple-symbol?", "", "A symbol without a namespace."),
    ("qualified-symbol?", "", "A symbol with a namespace."),
    ("pos-int?", "", "A positive fixed-size integer."),
    ("neg-int?", "", "A negative fixed-size integer."),
    ("nat-int?", "", "A fixed-size integer of at least zero."),
    ("infinite?", "", "Whether the double is infinite."),
    ("seqable?", "", "Whether seq accepts x."),
    ("indexed?", "", "Whether nth takes constant time on x."),
    ("reversible?", "", "Whether rseq accepts x."),
    (
        "transient",
        "",
        "coll (updates of a collection nobody else holds already happen in place).",
    ),
    ("persistent!", "", "coll (see transient)."),
    ("conj!", "", "conj (see transient)."),
    ("assoc!", "", "assoc (see transient)."),
    ("dissoc!", "", "dissoc (see transient)."),
    ("disj!", "", "disj (see transient)."),
    ("pop!", "", "pop (see transient)."),
    ("volatile?", "", "Whether x is a volatile."),
];

/// Fills in the docstrings, arglists, names and namespaces the vars of
/// `glia.core` and `glia.string` lack: the native ones at the start of a
/// session, the ones written in Glia as their definitions load (a
/// definition sets its var's metadata afresh).
pub fn document(vm: &crate::vm::Vm) {
    for (entry, arglists, doc) in DOCS {
        let (ns, name) = split(entry);
        if let Some(var) = vm.namespaces.get(ns).and_then(|n| n.lookup(name))
            && var.pending.borrow().is_none()
        {
            fill(&var, arglists, doc);
        }
    }
}

fn split(entry: &str) -> (&str, &str) {
    match entry.strip_prefix("glia.string/") {
        Some(n) => ("glia.string", n),
        None => (crate::CORE_NS, entry),
    }
}

/// Fills in what `var` lacks from its entry in [`DOCS`], if it has one.
pub fn document_var(var: &crate::namespace::Var) {
    if let Some((_, arglists, doc)) = DOCS.iter().find(|(entry, _, _)| {
        let (ns, name) = split(entry);
        *var.ns == *ns && *var.name == *name
    }) {
        fill(var, arglists, doc);
    }
}

/// Sets `var`'s docstring, arglists, namespace and name where it has none.
fn fill(var: &crate::namespace::Var, arglists: &str, doc: &'static str) {
    use crate::value::{Map, Value};
    let (ns, name) = (var.ns.clone(), var.name.clone());
    let key = |k: &str| Value::keyword(None, k);
    let mut meta = match &*var.meta.borrow() {
        Some(Value::Map(m)) => (**m).clone(),
        _ => Map::default(),
    };
    let mut lacking = |k: &str, v: Value| {
        if meta.get(&key(k)).is_none_or(Value::is_nil) {
            meta.insert(key(k), v);
        }
    };
    lacking("doc", Value::str(doc));
    lacking("ns", Value::symbol(None, &ns));
    lacking("name", Value::symbol(None, &name));
    if !arglists.is_empty()
        && let Some(form) = glia_syntax::read(arglists).forms.first()
    {
        let v = crate::convert::form_to_value(form, &ns, &mut Default::default());
        lacking("arglists", v);
    }
    *var.meta.borrow_mut() = Some(Value::Map(std::rc::Rc::new(meta)));
}
