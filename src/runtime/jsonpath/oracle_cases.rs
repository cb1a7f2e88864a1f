// Generated from the oracle (Jayway JsonPath 2.0.0 over json-smart): `$input.json(path)`.
// Columns: document, path, expected output of `$input.json` ("" = not found, ERR = exception).
// expected: oracle
pub(super) const CASES: &[(&str, &str, &str)] = &[
    (
        "store",
        r###"$.store.book[?(@.price < 10)].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    ("store", r###"$.missing"###, r###""###),
    ("store", r###"$.n"###, r###"null"###),
    ("store", r###"$.a[*].b"###, r###"[]"###),
    (
        "store",
        r###"$.store.book[*].isbn"###,
        r###"["0-553-21311-3","0-395-19395-8"]"###,
    ),
    (
        "store",
        r###"$..price"###,
        r###"[8.95,12.99,8.99,22.99,19.95]"###,
    ),
    (
        "store",
        r###"$..*"###,
        r###"[{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],"bicycle":{"color":"red","price":19.95}},10,[1,2,3,4,5],null,"str",[],{},[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],{"color":"red","price":19.95},{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99},"reference","Nigel Rees","Sayings of the Century",8.95,"fiction","Evelyn Waugh","Sword of Honour",12.99,"fiction","Herman Melville","Moby Dick","0-553-21311-3",8.99,"fiction","J. R. R. Tolkien","The Lord of the Rings","0-395-19395-8",22.99,"red",19.95,1,2,3,4,5]"###,
    ),
    ("store", r###"$.store.book.title"###, r###""###),
    ("store", r###"$.a[10]"###, r###""###),
    ("store", r###"$.a[-1]"###, r###""###),
    ("store", r###"$.a[1:3]"###, r###"[2,3]"###),
    ("store", r###"$.a[:2]"###, r###"[1,2]"###),
    ("store", r###"$.a[-2:]"###, r###"[4,5]"###),
    ("store", r###"$.a[2:]"###, r###"[3,4,5]"###),
    ("store", r###"$.a[:-1]"###, r###"[1,2,3,4]"###),
    ("store", r###"$.a[3:1]"###, r###"[]"###),
    ("store", r###"$.a[-10:2]"###, r###""###),
    ("store", r###"$.a[0:100]"###, r###"[1,2,3,4,5]"###),
    ("store", r###"$.a[10:]"###, r###"[]"###),
    ("store", r###"$.a[0,2]"###, r###"[1,3]"###),
    ("store", r###"$.a[0,10]"###, r###""###),
    ("store", r###"$.a[2,0,2]"###, r###"[3,1,3]"###),
    (
        "store",
        r###"$['store','expensive']"###,
        r###"{"store":{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],"bicycle":{"color":"red","price":19.95}},"expensive":10}"###,
    ),
    (
        "store",
        r###"$['expensive','nope']"###,
        r###"{"expensive":10}"###,
    ),
    ("store", r###"$['nope']"###, r###""###),
    ("store", r###"$['nope','nope2']"###, r###"{}"###),
    ("store", r###"$.a.length()"###, r###""###),
    ("store", r###"$.store.book.length()"###, r###""###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [0] can only be applied to arrays. Current context is: {book=[{"catego
    ("store", r###"$.store[0]"###, r###"ERR"###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [0] can only be applied to arrays. Current context is: str at template
    ("store", r###"$.s[0]"###, r###"ERR"###),
    ("store", r###"$.n[0]"###, r###""###),
    ("store", r###"$.*.price"###, r###""###),
    ("store", r###"$.store.*.price"###, r###""###),
    (
        "store",
        r###"$.store.book[?(@.price < 10)].isbn"###,
        r###""###,
    ),
    (
        "store",
        r###"$.store.book[?(@.isbn)].title"###,
        r###"["Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(!@.isbn)].title"###,
        r###"["Sayings of the Century","Sword of Honour"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price > 10 && @.category == 'fiction')].title"###,
        r###"["Sword of Honour","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price < 9 || @.category == 'reference')].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price < 9 || @.category == 'reference' && @.price > 100)].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price > 100 && @.price < 9 || @.category == 'fiction')].title"###,
        r###"["Sword of Honour","Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.category == "fiction")].title"###,
        r###"[]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price == '8.95')].title"###,
        r###"["Sayings of the Century"]"###,
    ),
    // java.lang.NumberFormatException: Character a is neither a decimal digit number, decimal point, nor "e" notation exponent
    (
        "store",
        r###"$.store.book[?(@.price == abc)].title"###,
        r###"ERR"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.category == abc)].title"###,
        r###"[]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.category > 10)].title"###,
        r###"["Sayings of the Century","Sword of Honour","Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price < $.expensive)].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.author =~ /.*Rees/)].title"###,
        r###"["Sayings of the Century"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.author =~ /.*rees/i)].title"###,
        r###"["Sayings of the Century"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.author =~ /Rees/)].title"###,
        r###"[]"###,
    ),
    // java.lang.ClassCastException: class java.lang.String cannot be cast to class java.util.regex.Pattern (java.lang.String a
    (
        "store",
        r###"$.store.book[?(@.author =~ 'Rees')].title"###,
        r###"ERR"###,
    ),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathExcep
    (
        "store",
        r###"$.store.book[?(@.category in ['fiction'])].title"###,
        r###"ERR"###,
    ),
    (
        "store",
        r###"$.store.book[?((@.price < 9))].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price<9)].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price<9)]"###,
        r###"[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99}]"###,
    ),
    (
        "store",
        r###"$..book[0]"###,
        r###"[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95}]"###,
    ),
    (
        "store",
        r###"$..book[0].title"###,
        r###"["Sayings of the Century"]"###,
    ),
    ("store", r###"$..[0]"###, r###""###),
    ("store", r###"$..book[5]"###, r###""###),
    (
        "store",
        r###"$.store.book[(@.length-1)].title"###,
        r###""The Lord of the Rings""###,
    ),
    (
        "store",
        r###"$.store.book[(@.size()-2)].title"###,
        r###""Moby Dick""###,
    ),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: Invalid function: @.foo. Supported f
    (
        "store",
        r###"$.store.book[(@.foo-1)].title"###,
        r###"ERR"###,
    ),
    (
        "store",
        r###"$.store.book[-1:].title"###,
        r###"["The Lord of the Rings"]"###,
    ),
    ("store", r###"$.store.book[-2:-1]"###, r###""###),
    (
        "store",
        r###"$..isbn"###,
        r###"["0-553-21311-3","0-395-19395-8"]"###,
    ),
    (
        "store",
        r###"$..[?(@.price < 10)].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$..[?(@.price < 10)]"###,
        r###"[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99}]"###,
    ),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: Could not analyze path component: ["
    ("store", r###"$["store"]"###, r###"ERR"###),
    (
        "store",
        r###"$['store']['bicycle']"###,
        r###"{"color":"red","price":19.95}"###,
    ),
    (
        "store",
        r###"$.store.bicycle['color','price']"###,
        r###"{"color":"red","price":19.95}"###,
    ),
    // com.jayway.jsonpath.InvalidPathException: Multi properties can only be used as path leafs: $['store']['bicycle']['color'
    (
        "store",
        r###"$.store.bicycle['color','price'].x"###,
        r###"ERR"###,
    ),
    (
        "store",
        r###"$..bicycle['color','nope']"###,
        r###"[{"color":"red"}]"###,
    ),
    ("store", r###"store.bicycle.color"###, r###""red""###),
    ("store", r###"  $.store.bicycle.color  "###, r###""red""###),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: Space not allowed in path at templat
    ("store", r###"$. store"###, r###"ERR"###),
    // com.jayway.jsonpath.InvalidPathException: java.lang.StringIndexOutOfBoundsException: String index out of range: 8 at tem
    ("store", r###"$.store."###, r###"ERR"###),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: A path can not end with a scan. at t
    ("store", r###"$.."###, r###"ERR"###),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: Invalid path $x at template[line 1,
    ("store", r###"$x"###, r###"ERR"###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [0] can only be applied to arrays. Current context is: {store={book=[{
    ("store", r###"$[0]"###, r###"ERR"###),
    ("store", r###"$.x.y[*]"###, r###"[]"###),
    ("store", r###"$.x.y"###, r###""###),
    ("store", r###"$[*].x.y"###, r###""###),
    ("store", r###"$.a[1,a]"###, r###"2"###),
    ("store", r###"$.a[0a]"###, r###"1"###),
    // com.jayway.jsonpath.InvalidPathException: java.lang.NumberFormatException: For input string: "" at template[line 1, colu
    ("store", r###"$.a[:]"###, r###"ERR"###),
    ("store", r###"$.a[1:2:3]"###, r###"[2]"###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [?] can not be applied to primitives. Current context is: null at temp
    ("store", r###"$.n[?(@.price)]"###, r###"ERR"###),
    (
        "store",
        r###"$"###,
        r###"{"store":{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],"bicycle":{"color":"red","price":19.95}},"expensive":10,"a":[1,2,3,4,5],"n":null,"s":"str","e":[],"o":{}}"###,
    ),
    ("store", r###"@.expensive"###, r###"10"###),
    (
        "store",
        r###"$.*"###,
        r###"[{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],"bicycle":{"color":"red","price":19.95}},10,[1,2,3,4,5],null,"str",[],{}]"###,
    ),
    (
        "store",
        r###"$[*]"###,
        r###"[{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],"bicycle":{"color":"red","price":19.95}},10,[1,2,3,4,5],null,"str",[],{}]"###,
    ),
    ("store", r###"$.store.bicycle.*"###, r###"["red",19.95]"###),
    ("store", r###"$..bicycle.*"###, r###"["red",19.95]"###),
    (
        "store",
        r###"$..book[*].author"###,
        r###"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"###,
    ),
    (
        "store",
        r###"$..book[?(@.isbn)].isbn"###,
        r###"["0-553-21311-3","0-395-19395-8"]"###,
    ),
    (
        "store",
        r###"$..book[1:3].title"###,
        r###"["Sword of Honour","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$..book[0,1].title"###,
        r###"["Sayings of the Century","Sword of Honour"]"###,
    ),
    (
        "store",
        r###"$.store..price"###,
        r###"[8.95,12.99,8.99,22.99,19.95]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.isbn)]..title"###,
        r###"["Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$..['price']"###,
        r###"[8.95,12.99,8.99,22.99,19.95]"###,
    ),
    // java.lang.NullPointerException: Cannot invoke "com.jayway.jsonpath.Predicate.apply(com.jayway.jsonpath.Predicate$Predica
    ("store", r###"$.store.book[?]"###, r###"ERR"###),
    (
        "store",
        r###"$.store.book[?(@.price > 10)][?(@.isbn)].title"###,
        r###"["The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price > $.nope)].title"###,
        r###"[]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.nope > 1)].title"###,
        r###"[]"###,
    ),
    ("store", r###"$.store.book[?(@.nope)].title"###, r###"[]"###),
    (
        "store",
        r###"$.store.book[?(@.price == 8.95)].title"###,
        r###"["Sayings of the Century"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price != 8.95)].title"###,
        r###"["Sword of Honour","Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price >= 8.99)].title"###,
        r###"["Sword of Honour","Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price <= 8.99)].title"###,
        r###"["Sayings of the Century","Moby Dick"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.category != 'fiction')].title"###,
        r###"["Sayings of the Century"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.title == 'Moby Dick' && @.isbn)].price"###,
        r###"[8.99]"###,
    ),
    (
        "store",
        r###"$.store.book[?('fiction' == @.category)].title"###,
        r###"["Sword of Honour","Moby Dick","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price > 1e1)].title"###,
        r###"["Sword of Honour","The Lord of the Rings"]"###,
    ),
    // com.jayway.jsonpath.InvalidPathException: com.jayway.jsonpath.InvalidPathException: the predicate path: @[*] is not defi
    (
        "store",
        r###"$.store.book[?(@[*] > 1)].title"###,
        r###"ERR"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.category == 'fiction' && @.price > 10 && @.price < 20)].title"###,
        r###"["Sword of Honour"]"###,
    ),
    (
        "store",
        r###"$.store.book[?($.expensive)].title"###,
        r###"[]"###,
    ),
    (
        "store",
        r###"$.store.book[?(@ == @)].title"###,
        r###"["Sayings of the Century","Sword of Honour","Moby Dick","The Lord of the Rings"]"###,
    ),
    // com.jayway.jsonpath.InvalidPathException: java.lang.StringIndexOutOfBoundsException: String index out of range: 0 at tem
    ("store", r###"$.store.book[?()]"###, r###"ERR"###),
    // com.jayway.jsonpath.InvalidPathException: java.util.EmptyStackException at template[line 1, column 8] (cause EmptyStackE
    (
        "store",
        r###"$.store.book[?(@.price > 10 &&)]"###,
        r###"ERR"###,
    ),
    ("store", r###"$.a[?(@ > 2)]"###, r###"[3,4,5]"###),
    ("store", r###"$.a[?(@ == 2)]"###, r###"[2]"###),
    (
        "store",
        r###"$.store.*"###,
        r###"[[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],{"color":"red","price":19.95}]"###,
    ),
    (
        "store",
        r###"$.store.book[0]['title','price']"###,
        r###"{"title":"Sayings of the Century","price":8.95}"###,
    ),
    (
        "store",
        r###"$.store.book[*]['title','price']"###,
        r###"[{"title":"Sayings of the Century","price":8.95},{"title":"Sword of Honour","price":12.99},{"title":"Moby Dick","price":8.99},{"title":"The Lord of the Rings","price":22.99}]"###,
    ),
    ("store", r###"$.store.book[*].price.x"###, r###"[]"###),
    ("store", r###"$['a'][0]"###, r###"1"###),
    ("store", r###"$.a[ 1 ]"###, r###"2"###),
    ("store", r###"$.a[1 , 2]"###, r###"[2,3]"###),
    ("store", r###"$[ 'a' ][0]"###, r###"1"###),
    ("store", r###"$.a[01]"###, r###"2"###),
    ("store", r###"$.a[-0]"###, r###"1"###),
    // com.jayway.jsonpath.InvalidPathException: java.lang.NumberFormatException: For input string: "2147483648" at template[li
    ("store", r###"$.a[2147483648]"###, r###"ERR"###),
    ("store", r###"$.a[?(@)]"###, r###"[1,2,3,4,5]"###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [?] can not be applied to primitives. Current context is: 10 at templa
    ("store", r###"$.expensive[?(@)]"###, r###"ERR"###),
    ("store", r###"$.a.*"###, r###"[1,2,3,4,5]"###),
    ("store", r###"$.o.*"###, r###"[]"###),
    ("store", r###"$.e[*]"###, r###"[]"###),
    ("store", r###"$.e[0]"###, r###""###),
    ("store", r###"$.e[:1]"###, r###"[]"###),
    ("store", r###"$.e[-1:]"###, r###"[]"###),
    ("store", r###"$.s.*"###, r###"[]"###),
    (
        "store",
        r###"$.store.book[1].author"###,
        r###""Evelyn Waugh""###,
    ),
    // com.jayway.jsonpath.InvalidPathException: java.lang.StringIndexOutOfBoundsException: String index out of range: 20 at te
    (
        "store",
        r###"$.store.book[?(@.author =~ /(/)].title"###,
        r###"ERR"###,
    ),
    (
        "store",
        r###"$.store.book[?(@.price > 10 || !@.isbn)].title"###,
        r###"["Sayings of the Century","Sword of Honour","The Lord of the Rings"]"###,
    ),
    (
        "store",
        r###"$..category"###,
        r###"["reference","fiction","fiction","fiction"]"###,
    ),
    (
        "store",
        r###"$..book..price"###,
        r###"[8.95,12.99,8.99,22.99]"###,
    ),
    ("store", r###"$..*.price"###, r###""###),
    ("store", r###"$..price.x"###, r###""###),
    (
        "mixed",
        r###"$.items[?(@.v == 1)].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.v == '1')].name"###,
        r###"["a\/b"]"###,
    ),
    ("mixed", r###"$.items[?(@.v == 3)].name"###, r###"["c"]"###),
    (
        "mixed",
        r###"$.items[?(@.v > 2)].name"###,
        r###"["B","c","é😀"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.s == 1)].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.s > 0)].name"###,
        r###"["a\/b","B","c"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.b == true)].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.b == 'TRUE')].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.b != true)].name"###,
        r###"["B"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.n == null)].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.t == null)].name"###,
        r###"["a\/b"]"###,
    ),
    ("mixed", r###"$.items[?(@.n)].name"###, r###"[]"###),
    ("mixed", r###"$.items[?(!@.n)].name"###, r###""###),
    (
        "mixed",
        r###"$.items[?(@.s == 'x\'y')].name"###,
        r###"["c"]"###,
    ),
    // com.jayway.jsonpath.InvalidPathException: java.lang.StringIndexOutOfBoundsException: String index out of range: 17 at te
    (
        "mixed",
        r###"$.items[?(@.s == 'x'y')].name"###,
        r###"ERR"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.o == @.o)].name"###,
        r###"["é😀"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.arr == '[1,2]')].name"###,
        r###"[]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.name =~ /[a-c]/)].name"###,
        r###"["c"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.name =~ /[A-C]/i)].name"###,
        r###"["B","c"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.v =~ /2.5/)].name"###,
        r###"["B"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.b =~ /true/)].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.o =~ /.*k.*/)].name"###,
        r###"["é😀"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.name > 'B')].name"###,
        r###"["a\/b","c","é😀"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.name < 'b')].name"###,
        r###"["a\/b","B"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.v < 5)].name"###,
        r###"["a\/b","B","c"]"###,
    ),
    (
        "mixed",
        r###"$.items[*].name"###,
        r###"["a\/b","B","c","é😀"]"###,
    ),
    ("mixed", r###"$.items[*].v"###, r###"[1,2.5,"3",10]"###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [0] can only be applied to arrays. Current context is: {v=1, s=1, b=tr
    ("mixed", r###"$.items[*][0]"###, r###"ERR"###),
    (
        "mixed",
        r###"$.items[?(@.v)]"###,
        r###"[{"v":1,"s":"1","b":true,"n":null,"name":"a\/b","t":"null"},{"v":2.5,"s":"abc","b":false,"name":"B"},{"v":"3","s":"x'y","name":"c","arr":[1,2]},{"v":10,"o":{"k":1},"name":"é😀"}]"###,
    ),
    ("mixed", r###"$.items[7][1]"###, r###"2"###),
    ("mixed", r###"$.nested..d"###, r###"[1,2,3]"###),
    ("mixed", r###"$..d"###, r###"[1,2,3]"###),
    ("mixed", r###"$..e[0].d"###, r###"[3]"###),
    ("mixed", r###"$.nested.a.b.c[*].e[*].d"###, r###"[3]"###),
    ("mixed", r###"$.nested.a.b.c[*].x.d"###, r###"[]"###),
    ("mixed", r###"$.nested.a.x.c[*]"###, r###"[]"###),
    ("mixed", r###"$.big"###, r###"12345678901234567890"###),
    (
        "mixed",
        r###"$.items[?(@.v > 12345678901234567889)].name"###,
        r###"["c"]"###,
    ),
    (
        "mixed",
        r###"$[?(@.big > 12345678901234567889)].k"###,
        r###"["v"]"###,
    ),
    ("mixed", r###"$[?(@.big)].k"###, r###"["v"]"###),
    (
        "mixed",
        r###"$[?(@.k == 'v')]"###,
        r###"[{"items":[{"v":1,"s":"1","b":true,"n":null,"name":"a\/b","t":"null"},{"v":2.5,"s":"abc","b":false,"name":"B"},{"v":"3","s":"x'y","name":"c","arr":[1,2]},{"v":10,"o":{"k":1},"name":"é😀"},7,"str",null,[1,2]],"nested":{"a":{"b":{"c":[{"d":1},{"d":2,"e":[{"d":3}]}]}}},"big":12345678901234567890,"f":1500.0,"neg":-0.5,"empty":[],"eo":{},"k":"v","ta":true,"nul":null,"names":["x","y","z"],"lv":"1e2"}]"###,
    ),
    ("mixed", r###"$[?(@.lv == 100)].k"###, r###"[]"###),
    ("mixed", r###"$[?(@.f == 1500)].k"###, r###"["v"]"###),
    ("mixed", r###"$[?(@.neg < -0.25)].k"###, r###"["v"]"###),
    ("mixed", r###"$.names[?(@ == 'y')]"###, r###"["y"]"###),
    ("mixed", r###"$.names[?(@ > 'x')]"###, r###"["y","z"]"###),
    (
        "mixed",
        r###"$.names[?(@ =~ /[xz]/)]"###,
        r###"["x","z"]"###,
    ),
    ("mixed", r###"$.names[0:2]"###, r###"["x","y"]"###),
    ("mixed", r###"$.names[1,2]"###, r###"["y","z"]"###),
    ("mixed", r###"$..names[*]"###, r###"["x","y","z"]"###),
    // com.jayway.jsonpath.InvalidPathException: Filter: [?] can not be applied to primitives. Current context is: true at temp
    ("mixed", r###"$.ta[?(@)]"###, r###"ERR"###),
    ("mixed", r###"$.eo[?(@.x)]"###, r###"[]"###),
    ("mixed", r###"$.eo[?(!@.x)]"###, r###"[{}]"###),
    (
        "mixed",
        r###"$.items[?(@.v == 2.50)].name"###,
        r###"["B"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.v == +1)].name"###,
        r###"["a\/b"]"###,
    ),
    (
        "mixed",
        r###"$.items[?(@.v == 1.)].name"###,
        r###"["a\/b"]"###,
    ),
    ("mixed", r###"$.items[?(@.v == .5e1)].name"###, r###"[]"###),
];
pub(super) const STORE: &str = r###"{"store": {"book": [{"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95}, {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99}, {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99}, {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}], "bicycle": {"color": "red", "price": 19.95}}, "expensive": 10, "a": [1, 2, 3, 4, 5], "n": null, "s": "str", "e": [], "o": {}}"###;
pub(super) const MIXED: &str = r###"{"items": [{"v": 1, "s": "1", "b": true, "n": null, "name": "a/b", "t": "null"}, {"v": 2.5, "s": "abc", "b": false, "name": "B"}, {"v": "3", "s": "x'y", "name": "c", "arr": [1, 2]}, {"v": 10, "o": {"k": 1}, "name": "\u00e9\ud83d\ude00"}, 7, "str", null, [1, 2]], "nested": {"a": {"b": {"c": [{"d": 1}, {"d": 2, "e": [{"d": 3}]}]}}}, "big": 12345678901234567890, "f": 1500.0, "neg": -0.5, "empty": [], "eo": {}, "k": "v", "ta": true, "nul": null, "names": ["x", "y", "z"], "lv": "1e2"}"###;
