//! `java.lang.Class` (what `$x.class` / `$x.getClass()` returns) and
//! `java.lang.Package`.
//!
//! A class is known by its name (`getName()`: `java.lang.String`,
//! `java.util.LinkedHashMap$Entry`, `[Ljava.lang.String;`, `char`). What JDK
//! 17 says about a class beyond its name comes from [`CLASSES`]: every class
//! a value of this engine has, their superclasses and the interfaces they
//! implement. Arrays of those and of the primitive types are described by
//! their names. `Class.forName` (a static method, which Velocity 1.7 calls
//! through any class) finds only these: any other name throws
//! `ClassNotFoundException`, where Java would load any class of the JDK.
//! What needs reflection over members (`getMethods`, `getFields`, …), a class
//! loader or a module, or differs from JVM to JVM, is left out: the reference
//! stays undefined.

use std::rc::Rc;

use super::property::names_prop;
use super::string::java_string_hash;
use super::{err, ok, MResult};
use crate::eval::budget::{Budget, Exceeded};
use crate::eval::value::{host_class_name, CallResult, HostObject, Value};

/// What JDK 17 reports about a class or an interface (no array, no
/// primitive type).
#[derive(Debug)]
struct ClassInfo {
    /// `getName()`.
    name: &'static str,
    /// `getModifiers()` (`Modifier`'s bits, `INTERFACE` included).
    modifiers: u16,
    /// `getSuperclass()`: `None` for `Object` and for interfaces.
    superclass: Option<&'static str>,
    /// `getInterfaces()`: the interfaces it names itself.
    interfaces: &'static [&'static str],
    /// Its type parameters as `toGenericString()` writes them (`<K,V>`).
    params: &'static str,
    /// `isSealed()`.
    sealed: bool,
}

// `java.lang.reflect.Modifier`'s bits.
const PUBLIC: u16 = 0x1;
const PRIVATE: u16 = 0x2;
const PROTECTED: u16 = 0x4;
const STATIC: u16 = 0x8;
const FINAL: u16 = 0x10;
const INTERFACE: u16 = 0x200;
const ABSTRACT: u16 = 0x400;
const STRICT: u16 = 0x800;

/// A class's row.
const fn class(
    name: &'static str,
    modifiers: u16,
    superclass: &'static str,
    interfaces: &'static [&'static str],
    params: &'static str,
) -> ClassInfo {
    ClassInfo {
        name,
        modifiers,
        superclass: Some(superclass),
        interfaces,
        params,
        sealed: false,
    }
}

/// An interface's row (`interface` and `abstract` are implied).
const fn interface(
    name: &'static str,
    modifiers: u16,
    interfaces: &'static [&'static str],
    params: &'static str,
) -> ClassInfo {
    ClassInfo {
        name,
        modifiers: modifiers | INTERFACE | ABSTRACT,
        superclass: None,
        interfaces,
        params,
        sealed: false,
    }
}

const OBJECT: &str = "java.lang.Object";
const SERIALIZABLE: &str = "java.io.Serializable";
const CLONEABLE: &str = "java.lang.Cloneable";
const COMPARABLE: &str = "java.lang.Comparable";
const CONSTABLE: &str = "java.lang.constant.Constable";
const CONSTANT_DESC: &str = "java.lang.constant.ConstantDesc";
const NUMBER: &str = "java.lang.Number";
const COLLECTION: &str = "java.util.Collection";
const LIST: &str = "java.util.List";
const MAP: &str = "java.util.Map";
const ITERATOR: &str = "java.util.Iterator";
const LIST_ITERATOR: &str = "java.util.ListIterator";
const RANDOM_ACCESS: &str = "java.util.RandomAccess";
const ABSTRACT_COLLECTION: &str = "java.util.AbstractCollection";
const ABSTRACT_LIST: &str = "java.util.AbstractList";
const ABSTRACT_SET: &str = "java.util.AbstractSet";
const ABSTRACT_MAP: &str = "java.util.AbstractMap";
const ANNOTATED_ELEMENT: &str = "java.lang.reflect.AnnotatedElement";
const LINKED_HASH_ITERATOR: &str = "java.util.LinkedHashMap$LinkedHashIterator";

/// The classes this engine's values have (and `Class` and `Package`), their
/// superclasses and their interfaces, as JDK 17 (and json-smart 2, and
/// Velocity 1.7) declare them.
static CLASSES: &[ClassInfo] = &[
    ClassInfo {
        name: OBJECT,
        modifiers: PUBLIC,
        superclass: None,
        interfaces: &[],
        params: "",
        sealed: false,
    },
    class(
        "java.lang.String",
        PUBLIC | FINAL,
        OBJECT,
        &[
            SERIALIZABLE,
            COMPARABLE,
            "java.lang.CharSequence",
            CONSTABLE,
            CONSTANT_DESC,
        ],
        "",
    ),
    class(NUMBER, PUBLIC | ABSTRACT, OBJECT, &[SERIALIZABLE], ""),
    class(
        "java.lang.Integer",
        PUBLIC | FINAL,
        NUMBER,
        &[COMPARABLE, CONSTABLE, CONSTANT_DESC],
        "",
    ),
    class(
        "java.lang.Long",
        PUBLIC | FINAL,
        NUMBER,
        &[COMPARABLE, CONSTABLE, CONSTANT_DESC],
        "",
    ),
    class(
        "java.lang.Double",
        PUBLIC | FINAL,
        NUMBER,
        &[COMPARABLE, CONSTABLE, CONSTANT_DESC],
        "",
    ),
    class(
        "java.lang.Float",
        PUBLIC | FINAL,
        NUMBER,
        &[COMPARABLE, CONSTABLE, CONSTANT_DESC],
        "",
    ),
    class(
        "java.lang.Short",
        PUBLIC | FINAL,
        NUMBER,
        &[COMPARABLE, CONSTABLE],
        "",
    ),
    class(
        "java.lang.Byte",
        PUBLIC | FINAL,
        NUMBER,
        &[COMPARABLE, CONSTABLE],
        "",
    ),
    class(
        "java.lang.Boolean",
        PUBLIC | FINAL,
        OBJECT,
        &[SERIALIZABLE, COMPARABLE, CONSTABLE],
        "",
    ),
    class(
        "java.lang.Character",
        PUBLIC | FINAL,
        OBJECT,
        &[SERIALIZABLE, COMPARABLE, CONSTABLE],
        "",
    ),
    class("java.math.BigInteger", PUBLIC, NUMBER, &[COMPARABLE], ""),
    class("java.math.BigDecimal", PUBLIC, NUMBER, &[COMPARABLE], ""),
    class(
        "java.lang.Class",
        PUBLIC | FINAL,
        OBJECT,
        &[
            SERIALIZABLE,
            "java.lang.reflect.GenericDeclaration",
            "java.lang.reflect.Type",
            ANNOTATED_ELEMENT,
            "java.lang.invoke.TypeDescriptor$OfField",
            CONSTABLE,
        ],
        "<T>",
    ),
    class(
        "java.lang.Package",
        PUBLIC,
        "java.lang.NamedPackage",
        &[ANNOTATED_ELEMENT],
        "",
    ),
    class("java.lang.NamedPackage", 0, OBJECT, &[], ""),
    class(
        ABSTRACT_COLLECTION,
        PUBLIC | ABSTRACT,
        OBJECT,
        &[COLLECTION],
        "<E>",
    ),
    class(
        ABSTRACT_LIST,
        PUBLIC | ABSTRACT,
        ABSTRACT_COLLECTION,
        &[LIST],
        "<E>",
    ),
    class(
        "java.util.ArrayList",
        PUBLIC,
        ABSTRACT_LIST,
        &[LIST, RANDOM_ACCESS, CLONEABLE, SERIALIZABLE],
        "<E>",
    ),
    class(
        "net.minidev.json.JSONArray",
        PUBLIC,
        "java.util.ArrayList",
        &[
            LIST,
            "net.minidev.json.JSONAwareEx",
            "net.minidev.json.JSONStreamAwareEx",
        ],
        "",
    ),
    class(
        ABSTRACT_SET,
        PUBLIC | ABSTRACT,
        ABSTRACT_COLLECTION,
        &["java.util.Set"],
        "<E>",
    ),
    class(ABSTRACT_MAP, PUBLIC | ABSTRACT, OBJECT, &[MAP], "<K,V>"),
    class(
        "java.util.HashMap",
        PUBLIC,
        ABSTRACT_MAP,
        &[MAP, CLONEABLE, SERIALIZABLE],
        "<K,V>",
    ),
    class(
        "java.util.LinkedHashMap",
        PUBLIC,
        "java.util.HashMap",
        &[MAP],
        "<K,V>",
    ),
    class(
        "java.util.HashMap$Node",
        STATIC,
        OBJECT,
        &["java.util.Map$Entry"],
        "<K,V>",
    ),
    class(
        "java.util.LinkedHashMap$Entry",
        STATIC,
        "java.util.HashMap$Node",
        &[],
        "<K,V>",
    ),
    class(
        "java.util.LinkedHashMap$LinkedKeySet",
        FINAL,
        ABSTRACT_SET,
        &[],
        "",
    ),
    class(
        "java.util.LinkedHashMap$LinkedValues",
        FINAL,
        ABSTRACT_COLLECTION,
        &[],
        "",
    ),
    class(
        "java.util.LinkedHashMap$LinkedEntrySet",
        FINAL,
        ABSTRACT_SET,
        &[],
        "",
    ),
    class("java.util.ArrayList$Itr", PRIVATE, OBJECT, &[ITERATOR], ""),
    class(
        "java.util.ArrayList$ListItr",
        PRIVATE,
        "java.util.ArrayList$Itr",
        &[LIST_ITERATOR],
        "",
    ),
    class(
        "java.util.AbstractList$Itr",
        PRIVATE,
        OBJECT,
        &[ITERATOR],
        "",
    ),
    class(
        "java.util.AbstractList$ListItr",
        PRIVATE,
        "java.util.AbstractList$Itr",
        &[LIST_ITERATOR],
        "",
    ),
    class(LINKED_HASH_ITERATOR, ABSTRACT, OBJECT, &[], ""),
    class(
        "java.util.LinkedHashMap$LinkedKeyIterator",
        FINAL,
        LINKED_HASH_ITERATOR,
        &[ITERATOR],
        "",
    ),
    class(
        "java.util.LinkedHashMap$LinkedValueIterator",
        FINAL,
        LINKED_HASH_ITERATOR,
        &[ITERATOR],
        "",
    ),
    class(
        "java.util.LinkedHashMap$LinkedEntryIterator",
        FINAL,
        LINKED_HASH_ITERATOR,
        &[ITERATOR],
        "",
    ),
    class(
        "java.util.ArrayList$SubList",
        PRIVATE | STATIC,
        ABSTRACT_LIST,
        &[RANDOM_ACCESS],
        "<E>",
    ),
    class(
        "java.util.AbstractList$SubList",
        PRIVATE | STATIC,
        ABSTRACT_LIST,
        &[],
        "<E>",
    ),
    class(
        "java.util.ArrayList$SubList$1",
        0,
        OBJECT,
        &[LIST_ITERATOR],
        "",
    ),
    class(
        "java.util.AbstractList$SubList$1",
        0,
        OBJECT,
        &[LIST_ITERATOR],
        "",
    ),
    class(
        "org.apache.velocity.runtime.directive.Scope",
        PUBLIC,
        ABSTRACT_MAP,
        &[],
        "",
    ),
    class(
        "org.apache.velocity.runtime.directive.ForeachScope",
        PUBLIC,
        "org.apache.velocity.runtime.directive.Scope",
        &[],
        "",
    ),
    // Streams and what their operations return (`methods/stream.rs`).
    class(
        "java.util.stream.ReferencePipeline$Head",
        STATIC,
        "java.util.stream.ReferencePipeline",
        &[],
        "<E_IN,E_OUT>",
    ),
    class(
        "java.util.stream.ReferencePipeline",
        ABSTRACT,
        "java.util.stream.AbstractPipeline",
        &["java.util.stream.Stream"],
        "<P_IN,P_OUT>",
    ),
    class(
        "java.util.stream.AbstractPipeline",
        ABSTRACT,
        "java.util.stream.PipelineHelper",
        &["java.util.stream.BaseStream"],
        "<E_IN,E_OUT,S extends java.util.stream.BaseStream<E_OUT, S>>",
    ),
    class(
        "java.util.stream.PipelineHelper",
        ABSTRACT,
        "java.lang.Object",
        &[],
        "<P_OUT>",
    ),
    class(
        "java.util.stream.DistinctOps$1",
        0,
        "java.util.stream.ReferencePipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.ReferencePipeline$StatefulOp",
        STATIC | ABSTRACT,
        "java.util.stream.ReferencePipeline",
        &[],
        "<E_IN,E_OUT>",
    ),
    class(
        "java.util.stream.ReferencePipeline$StatelessOp",
        STATIC | ABSTRACT,
        "java.util.stream.ReferencePipeline",
        &[],
        "<E_IN,E_OUT>",
    ),
    class(
        "java.util.stream.SortedOps$OfRef",
        PRIVATE | STATIC | FINAL,
        "java.util.stream.ReferencePipeline$StatefulOp",
        &[],
        "<T>",
    ),
    class(
        "java.util.stream.SliceOps$1",
        0,
        "java.util.stream.ReferencePipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.ReferencePipeline$1",
        0,
        "java.util.stream.ReferencePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.IntPipeline$Head",
        STATIC,
        "java.util.stream.IntPipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.IntPipeline",
        ABSTRACT,
        "java.util.stream.AbstractPipeline",
        &["java.util.stream.IntStream"],
        "<E_IN>",
    ),
    class(
        "java.util.stream.IntPipeline$1",
        0,
        "java.util.stream.ReferencePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.IntPipeline$2",
        0,
        "java.util.stream.LongPipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.IntPipeline$3",
        0,
        "java.util.stream.DoublePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.SortedOps$OfInt",
        PRIVATE | STATIC | FINAL,
        "java.util.stream.IntPipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.ReferencePipeline$4",
        0,
        "java.util.stream.IntPipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.SliceOps$2",
        0,
        "java.util.stream.IntPipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.Spliterators$1Adapter",
        0,
        "java.lang.Object",
        &["java.util.Iterator", "java.util.function.Consumer"],
        "",
    ),
    class(
        "java.util.Spliterators$2Adapter",
        0,
        "java.lang.Object",
        &[
            "java.util.PrimitiveIterator$OfInt",
            "java.util.function.IntConsumer",
        ],
        "",
    ),
    class(
        "java.util.Spliterators$3Adapter",
        0,
        "java.lang.Object",
        &[
            "java.util.PrimitiveIterator$OfLong",
            "java.util.function.LongConsumer",
        ],
        "",
    ),
    class(
        "java.util.Spliterators$4Adapter",
        0,
        "java.lang.Object",
        &[
            "java.util.PrimitiveIterator$OfDouble",
            "java.util.function.DoubleConsumer",
        ],
        "",
    ),
    class(
        "java.util.OptionalInt",
        PUBLIC | FINAL,
        "java.lang.Object",
        &[],
        "",
    ),
    class(
        "java.util.OptionalDouble",
        PUBLIC | FINAL,
        "java.lang.Object",
        &[],
        "",
    ),
    class(
        "java.util.OptionalLong",
        PUBLIC | FINAL,
        "java.lang.Object",
        &[],
        "",
    ),
    class(
        "java.util.IntSummaryStatistics",
        PUBLIC,
        "java.lang.Object",
        &["java.util.function.IntConsumer"],
        "",
    ),
    class(
        "java.util.LongSummaryStatistics",
        PUBLIC,
        "java.lang.Object",
        &[
            "java.util.function.LongConsumer",
            "java.util.function.IntConsumer",
        ],
        "",
    ),
    class(
        "java.util.DoubleSummaryStatistics",
        PUBLIC,
        "java.lang.Object",
        &["java.util.function.DoubleConsumer"],
        "",
    ),
    class(
        "java.util.ImmutableCollections$ListN",
        STATIC | FINAL,
        "java.util.ImmutableCollections$AbstractImmutableList",
        &["java.io.Serializable"],
        "<E>",
    ),
    class(
        "java.util.ImmutableCollections$AbstractImmutableList",
        STATIC | ABSTRACT,
        "java.util.ImmutableCollections$AbstractImmutableCollection",
        &["java.util.List", "java.util.RandomAccess"],
        "<E>",
    ),
    class(
        "java.util.ImmutableCollections$AbstractImmutableCollection",
        STATIC | ABSTRACT,
        "java.util.AbstractCollection",
        &[],
        "<E>",
    ),
    class(
        "java.util.ImmutableCollections$ListItr",
        STATIC | FINAL,
        "java.lang.Object",
        &["java.util.ListIterator"],
        "<E>",
    ),
    class(
        "java.util.stream.LongPipeline",
        ABSTRACT,
        "java.util.stream.AbstractPipeline",
        &["java.util.stream.LongStream"],
        "<E_IN>",
    ),
    class(
        "java.util.stream.DoublePipeline",
        ABSTRACT,
        "java.util.stream.AbstractPipeline",
        &["java.util.stream.DoubleStream"],
        "<E_IN>",
    ),
    class(
        "java.util.stream.LongPipeline$StatelessOp",
        STATIC | ABSTRACT,
        "java.util.stream.LongPipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.LongPipeline$StatefulOp",
        STATIC | ABSTRACT,
        "java.util.stream.LongPipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.IntPipeline$StatelessOp",
        STATIC | ABSTRACT,
        "java.util.stream.IntPipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.IntPipeline$StatefulOp",
        STATIC | ABSTRACT,
        "java.util.stream.IntPipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.DoublePipeline$StatelessOp",
        STATIC | ABSTRACT,
        "java.util.stream.DoublePipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.DoublePipeline$StatefulOp",
        STATIC | ABSTRACT,
        "java.util.stream.DoublePipeline",
        &[],
        "<E_IN>",
    ),
    class(
        "java.util.stream.IntPipeline$9",
        0,
        "java.util.stream.IntPipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.ReferencePipeline$5",
        0,
        "java.util.stream.LongPipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.ReferencePipeline$6",
        0,
        "java.util.stream.DoublePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.SortedOps$OfLong",
        PRIVATE | STATIC | FINAL,
        "java.util.stream.LongPipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.SortedOps$OfDouble",
        PRIVATE | STATIC | FINAL,
        "java.util.stream.DoublePipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.SliceOps$3",
        0,
        "java.util.stream.LongPipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.SliceOps$4",
        0,
        "java.util.stream.DoublePipeline$StatefulOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.LongPipeline$1",
        0,
        "java.util.stream.ReferencePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.LongPipeline$2",
        0,
        "java.util.stream.DoublePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.LongPipeline$8",
        0,
        "java.util.stream.LongPipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.DoublePipeline$1",
        0,
        "java.util.stream.ReferencePipeline$StatelessOp",
        &[],
        "",
    ),
    class(
        "java.util.stream.DoublePipeline$7",
        0,
        "java.util.stream.DoublePipeline$StatelessOp",
        &[],
        "",
    ),
    interface(
        "java.util.stream.BaseStream",
        PUBLIC,
        &["java.lang.AutoCloseable"],
        "<T,S extends java.util.stream.BaseStream<T, S>>",
    ),
    interface(
        "java.util.stream.Stream",
        PUBLIC,
        &["java.util.stream.BaseStream"],
        "<T>",
    ),
    interface(
        "java.util.stream.IntStream",
        PUBLIC,
        &["java.util.stream.BaseStream"],
        "",
    ),
    interface(
        "java.util.stream.LongStream",
        PUBLIC,
        &["java.util.stream.BaseStream"],
        "",
    ),
    interface(
        "java.util.stream.DoubleStream",
        PUBLIC,
        &["java.util.stream.BaseStream"],
        "",
    ),
    interface(
        "java.util.PrimitiveIterator",
        PUBLIC,
        &["java.util.Iterator"],
        "<T,T_CONS>",
    ),
    interface(
        "java.util.PrimitiveIterator$OfInt",
        PUBLIC | STATIC,
        &["java.util.PrimitiveIterator"],
        "",
    ),
    interface(
        "java.util.PrimitiveIterator$OfLong",
        PUBLIC | STATIC,
        &["java.util.PrimitiveIterator"],
        "",
    ),
    interface(
        "java.util.PrimitiveIterator$OfDouble",
        PUBLIC | STATIC,
        &["java.util.PrimitiveIterator"],
        "",
    ),
    interface("java.util.function.IntConsumer", PUBLIC, &[], ""),
    interface("java.util.function.LongConsumer", PUBLIC, &[], ""),
    interface("java.util.function.DoubleConsumer", PUBLIC, &[], ""),
    interface("java.util.function.Consumer", PUBLIC, &[], "<T>"),
    interface("java.lang.AutoCloseable", PUBLIC, &[], ""),
    // What `describeConstable()` returns (`methods/optional.rs`).
    class("java.util.Optional", PUBLIC | FINAL, OBJECT, &[], "<T>"),
    class(
        "java.lang.constant.DynamicConstantDesc",
        PUBLIC | ABSTRACT,
        OBJECT,
        &[CONSTANT_DESC],
        "<T>",
    ),
    class(
        "java.lang.constant.DynamicConstantDesc$AnonymousDynamicConstantDesc",
        PRIVATE | STATIC,
        "java.lang.constant.DynamicConstantDesc",
        &[],
        "<T>",
    ),
    interface(SERIALIZABLE, PUBLIC, &[], ""),
    interface(CLONEABLE, PUBLIC, &[], ""),
    interface(COMPARABLE, PUBLIC, &[], "<T>"),
    interface("java.lang.CharSequence", PUBLIC, &[], ""),
    interface(CONSTABLE, PUBLIC, &[], ""),
    ClassInfo {
        sealed: true,
        ..interface(CONSTANT_DESC, PUBLIC, &[], "")
    },
    interface("java.lang.Iterable", PUBLIC, &[], "<T>"),
    interface(COLLECTION, PUBLIC, &["java.lang.Iterable"], "<E>"),
    interface(LIST, PUBLIC, &[COLLECTION], "<E>"),
    interface("java.util.Set", PUBLIC, &[COLLECTION], "<E>"),
    interface(MAP, PUBLIC, &[], "<K,V>"),
    interface("java.util.Map$Entry", PUBLIC | STATIC, &[], "<K,V>"),
    interface(ITERATOR, PUBLIC, &[], "<E>"),
    interface(LIST_ITERATOR, PUBLIC, &[ITERATOR], "<E>"),
    interface(RANDOM_ACCESS, PUBLIC, &[], ""),
    interface("java.lang.reflect.Type", PUBLIC, &[], ""),
    interface(ANNOTATED_ELEMENT, PUBLIC, &[], ""),
    interface(
        "java.lang.reflect.GenericDeclaration",
        PUBLIC,
        &[ANNOTATED_ELEMENT],
        "",
    ),
    interface("java.lang.invoke.TypeDescriptor", PUBLIC, &[], ""),
    interface(
        "java.lang.invoke.TypeDescriptor$OfField",
        PUBLIC | STATIC,
        &["java.lang.invoke.TypeDescriptor"],
        "<F extends java.lang.invoke.TypeDescriptor$OfField<F>>",
    ),
    interface("net.minidev.json.JSONAware", PUBLIC, &[], ""),
    interface(
        "net.minidev.json.JSONAwareEx",
        PUBLIC,
        &["net.minidev.json.JSONAware"],
        "",
    ),
    interface("net.minidev.json.JSONStreamAware", PUBLIC, &[], ""),
    interface(
        "net.minidev.json.JSONStreamAwareEx",
        PUBLIC,
        &["net.minidev.json.JSONStreamAware"],
        "",
    ),
];

/// The table's facts about the class named `name`.
fn info(name: &str) -> Option<&'static ClassInfo> {
    CLASSES.iter().find(|c| c.name == name)
}

/// Java's limit on an array's dimensions.
const MAX_DIMENSIONS: usize = 255;

/// A class, as its name describes it.
#[derive(Clone, Copy)]
enum Shape<'a> {
    /// A primitive type, by its descriptor letter (`C` for `char`).
    Primitive(u8),
    /// An array class: its dimensions and its element type's descriptor
    /// (`C`, `Ljava.lang.String;`).
    Array { dims: usize, element: &'a str },
    /// A class or an interface of [`CLASSES`].
    Known(&'static ClassInfo),
    /// A class this engine knows only the name of.
    Unknown,
}

fn shape(name: &str) -> Shape<'_> {
    let element = name.trim_start_matches('[');
    let dims = name.len() - element.len();
    if dims > 0 {
        return Shape::Array { dims, element };
    }
    if let Some(&(letter, _)) = PRIMITIVES.iter().find(|(_, n)| *n == name) {
        return Shape::Primitive(letter);
    }
    info(name).map_or(Shape::Unknown, Shape::Known)
}

/// The primitive types' descriptor letters and names (`void` has no class a
/// template can reach).
const PRIMITIVES: &[(u8, &str)] = &[
    (b'Z', "boolean"),
    (b'B', "byte"),
    (b'C', "char"),
    (b'S', "short"),
    (b'I', "int"),
    (b'J', "long"),
    (b'F', "float"),
    (b'D', "double"),
];

fn primitive_name(letter: u8) -> &'static str {
    PRIMITIVES
        .iter()
        .find(|(l, _)| *l == letter)
        .map_or("void", |(_, n)| n)
}

/// The class named by an element descriptor (`C` is `char`,
/// `Ljava.lang.String;` is `java.lang.String`).
fn descriptor_class(element: &str) -> &str {
    match element.strip_prefix('L').and_then(|e| e.strip_suffix(';')) {
        Some(class) => class,
        None => element
            .bytes()
            .next()
            .map_or(element, |letter| primitive_name(letter)),
    }
}

/// `getComponentType()` of the array class named `name`.
fn component(name: &str) -> Option<&str> {
    let rest = name.strip_prefix('[')?;
    Some(if rest.starts_with('[') {
        rest
    } else {
        descriptor_class(rest)
    })
}

/// Is the class named `name` (no array) anonymous (`java.util.ArrayList$SubList$1`)?
fn is_anonymous(name: &str) -> bool {
    match name.rsplit_once('$') {
        Some((_, tail)) => !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// The class a nested class is declared in or made in (`None`: a top-level class).
fn outer(name: &str) -> Option<&str> {
    name.rsplit_once('$').map(|(outer, _)| outer)
}

/// The nest host of a class (no array): its top-level class.
fn nest_host(name: &str) -> &str {
    name.split('$').next().unwrap_or(name)
}

/// `getSimpleName()` of the class named `name`: an array's is its element
/// type's and `[]` (`[Ljava.lang.String;` is `String[]`, `[C` is `char[]`),
/// an anonymous class's is empty.
fn simple_name(name: &str) -> String {
    let element = name.trim_start_matches('[');
    let dims = name.len() - element.len();
    let class = if dims == 0 {
        name
    } else {
        descriptor_class(element)
    };
    let mut simple = if is_anonymous(class) {
        String::new()
    } else {
        let tail = class.rsplit('.').next().unwrap_or(class);
        tail.rsplit('$').next().unwrap_or(tail).to_string()
    };
    simple.push_str(&"[]".repeat(dims));
    simple
}

/// `getTypeName()`: an array's is its element class's name and `[]`s.
fn type_name(name: &str) -> String {
    match shape(name) {
        Shape::Array { dims, element } => {
            format!("{}{}", descriptor_class(element), "[]".repeat(dims))
        }
        _ => name.to_string(),
    }
}

/// `getCanonicalName()` (`None`: Java's null, for an anonymous class and
/// arrays of it).
fn canonical_name(name: &str) -> Option<String> {
    match shape(name) {
        Shape::Array { dims, element } => {
            let element = canonical_name(descriptor_class(element))?;
            Some(format!("{element}{}", "[]".repeat(dims)))
        }
        _ if is_anonymous(name) => None,
        _ => match outer(name) {
            Some(outer) => Some(format!("{}.{}", canonical_name(outer)?, simple_name(name))),
            None => Some(name.to_string()),
        },
    }
}

/// `getPackageName()`: an array's is its element type's, a primitive
/// type's `java.lang`.
fn package_name(name: &str) -> &str {
    match shape(name) {
        Shape::Array { element, .. } => package_name(descriptor_class(element)),
        Shape::Primitive(_) => "java.lang",
        _ => name.rsplit_once('.').map_or("", |(package, _)| package),
    }
}

/// `getModifiers()` (`None`: not known).
fn modifiers(name: &str) -> Option<u16> {
    match shape(name) {
        Shape::Primitive(_) => Some(PUBLIC | ABSTRACT | FINAL),
        // An array is as public as its element type, abstract and final.
        Shape::Array { element, .. } => {
            let element = modifiers(descriptor_class(element))?;
            Some(element & (PUBLIC | PRIVATE | PROTECTED) | ABSTRACT | FINAL)
        }
        Shape::Known(c) => Some(c.modifiers),
        Shape::Unknown => None,
    }
}

/// `Modifier.toString` of a class's modifiers (`public abstract static`).
fn modifier_words(modifiers: u16) -> String {
    const WORDS: &[(u16, &str)] = &[
        (PUBLIC, "public"),
        (PROTECTED, "protected"),
        (PRIVATE, "private"),
        (ABSTRACT, "abstract"),
        (STATIC, "static"),
        (FINAL, "final"),
        (STRICT, "strictfp"),
    ];
    let words: Vec<&str> = WORDS
        .iter()
        .filter(|(bit, _)| modifiers & bit != 0)
        .map(|(_, w)| *w)
        .collect();
    words.join(" ")
}

/// `toGenericString()` (`public final class java.lang.String`,
/// `public class java.util.ArrayList<E>`, `java.util.ArrayList<E>[]`).
fn generic_string(name: &str) -> Option<String> {
    Some(match shape(name) {
        Shape::Primitive(_) => name.to_string(),
        Shape::Array { dims, element } => {
            let element = descriptor_class(element);
            let params = info(element).map_or("", |c| c.params);
            format!("{element}{params}{}", "[]".repeat(dims))
        }
        Shape::Known(c) => {
            let words = modifier_words(c.modifiers);
            let kind = if c.modifiers & INTERFACE != 0 {
                "interface"
            } else {
                "class"
            };
            let space = if words.is_empty() { "" } else { " " };
            format!("{words}{space}{kind} {}{}", c.name, c.params)
        }
        Shape::Unknown => return None,
    })
}

/// `getSuperclass()` (`Some(None)`: Java's null).
fn superclass(name: &str) -> Option<Option<&'static str>> {
    match shape(name) {
        Shape::Primitive(_) => Some(None),
        Shape::Array { .. } => Some(Some(OBJECT)),
        Shape::Known(c) => Some(c.superclass),
        Shape::Unknown => None,
    }
}

/// Is a value of the class named `from` one of the class named `to`
/// (`to.isAssignableFrom(from)`)? A class the table does not know is taken
/// for a direct subclass of `Object`.
fn assignable(to: &str, from: &str) -> bool {
    if to == from {
        return true;
    }
    match (shape(to), shape(from)) {
        (Shape::Primitive(_), _) | (_, Shape::Primitive(_)) => false,
        (Shape::Array { .. }, Shape::Array { .. }) => match (component(to), component(from)) {
            (Some(to), Some(from)) => assignable(to, from),
            _ => false,
        },
        (Shape::Array { .. }, _) => false,
        (_, Shape::Array { .. }) => [OBJECT, CLONEABLE, SERIALIZABLE].contains(&to),
        (_, _) => supertypes(from).contains(&to),
    }
}

/// The classes and interfaces the class named `name` (no array) extends or
/// implements, itself excluded, `Object` included.
fn supertypes(name: &str) -> Vec<&str> {
    let mut found: Vec<&str> = vec![OBJECT];
    let mut todo: Vec<&str> = vec![name];
    // Each class of the table is visited once: the walk ends.
    while let Some(n) = todo.pop() {
        let Some(c) = info(n) else { continue };
        for s in c.superclass.into_iter().chain(c.interfaces.iter().copied()) {
            if !found.contains(&s) {
                found.push(s);
                todo.push(s);
            }
        }
    }
    found
}

/// `Class.forName(name)`: the class, or Java's `ClassNotFoundException`
/// (whose message is the name with `.` made `/` when the name is no valid
/// binary name, the element class's name when an array's element is not
/// found).
fn for_name(name: &str) -> Result<&str, String> {
    let not_found = |what: &str| Err(format!("java.lang.ClassNotFoundException: {what}"));
    if name.contains('/') {
        return not_found(name);
    }
    let slashed = name.replace('.', "/");
    if !valid_class_name(&slashed) {
        return not_found(&slashed);
    }
    match shape(name) {
        Shape::Known(_) => Ok(name),
        Shape::Array { element, .. } if element.len() == 1 => Ok(name),
        Shape::Array { element, .. } => {
            let class = descriptor_class(element);
            match info(class) {
                Some(_) => Ok(name),
                None => not_found(class),
            }
        }
        Shape::Primitive(_) | Shape::Unknown => not_found(name),
    }
}

/// The JVM's check of a class name in internal form (`java/lang/String`,
/// `[Ljava/lang/String;`, `[[C`): `VerifyClassname`.
fn valid_class_name(name: &str) -> bool {
    let element = name.trim_start_matches('[');
    let dims = name.len() - element.len();
    if dims == 0 {
        return skip_field_name(name) == Some(name.len());
    }
    if dims > MAX_DIMENSIONS {
        return false;
    }
    match element.as_bytes() {
        [b'Z' | b'B' | b'C' | b'S' | b'I' | b'J' | b'F' | b'D'] => true,
        [b'L', ..] => {
            let class = &element[1..];
            matches!(skip_field_name(class), Some(end) if end > 0 && &class[end..] == ";")
        }
        _ => false,
    }
}

/// How much of `name` is a class name in internal form: up to the first
/// `.`, `;` or `[` (`None` when that is the start), with no `/` first and no
/// two `/` in a row (`None`).
fn skip_field_name(name: &str) -> Option<usize> {
    let mut last: Option<char> = None;
    for (i, ch) in name.char_indices() {
        match ch {
            '/' if last == Some('/') => return None,
            '/' if last.is_some() => {}
            '.' | ';' | '[' | '/' => return last.map(|_| i),
            _ => {}
        }
        last = Some(ch);
    }
    last.map(|_| name.len())
}

/// The methods of `Class` without parameters: called with arguments, Java's
/// reflection refuses them (`wrong number of arguments`, see
/// [`super::wrong_number_of_arguments`]).
const WITHOUT_PARAMETERS: &[&str] = &[
    "getName",
    "toString",
    "getModule",
    "getProtectionDomain",
    "getModifiers",
    "isInterface",
    "isArray",
    "isPrimitive",
    "isHidden",
    "getSuperclass",
    "componentType",
    "describeConstable",
    "getComponentType",
    "isAnnotation",
    "isEnum",
    "isRecord",
    "getTypeParameters",
    "getClassLoader",
    "newInstance",
    "getInterfaces",
    "getEnclosingClass",
    "getSimpleName",
    "getCanonicalName",
    "getPackageName",
    "desiredAssertionStatus",
    "getNestHost",
    "descriptorString",
    "getPermittedSubclasses",
    "arrayType",
    "toGenericString",
    "isSynthetic",
    "getGenericSuperclass",
    "getPackage",
    "getGenericInterfaces",
    "getSigners",
    "getEnclosingMethod",
    "getEnclosingConstructor",
    "getDeclaringClass",
    "getTypeName",
    "isAnonymousClass",
    "isLocalClass",
    "isMemberClass",
    "getClasses",
    "getFields",
    "getMethods",
    "getConstructors",
    "getDeclaredClasses",
    "getDeclaredFields",
    "getRecordComponents",
    "getDeclaredMethods",
    "getDeclaredConstructors",
    "getEnumConstants",
    "getAnnotations",
    "getDeclaredAnnotations",
    "getAnnotatedSuperclass",
    "getAnnotatedInterfaces",
    "getNestMembers",
    "isSealed",
    "hashCode",
    "getClass",
    "notify",
    "notifyAll",
];

/// The getters `$class.name` reads (`getName()`, `isArray()`, …).
const GETTERS: &[(&str, &str)] = &[
    ("Name", "getName"),
    ("SimpleName", "getSimpleName"),
    ("TypeName", "getTypeName"),
    ("CanonicalName", "getCanonicalName"),
    ("PackageName", "getPackageName"),
    ("Package", "getPackage"),
    ("Modifiers", "getModifiers"),
    ("Superclass", "getSuperclass"),
    ("ComponentType", "getComponentType"),
    ("EnclosingClass", "getEnclosingClass"),
    ("DeclaringClass", "getDeclaringClass"),
    ("NestHost", "getNestHost"),
    ("Class", "getClass"),
    ("Array", "isArray"),
    ("Primitive", "isPrimitive"),
    ("Interface", "isInterface"),
    ("Enum", "isEnum"),
    ("Record", "isRecord"),
    ("Annotation", "isAnnotation"),
    ("Synthetic", "isSynthetic"),
    ("AnonymousClass", "isAnonymousClass"),
    ("MemberClass", "isMemberClass"),
    ("LocalClass", "isLocalClass"),
    ("Sealed", "isSealed"),
    ("Hidden", "isHidden"),
];

// ---------------------------------------------------------------------------
// The host objects

/// A `java.lang.Class` (what `$x.class` / `$x.getClass()` returns), by its
/// name.
#[derive(Debug)]
pub struct JavaClass {
    name: String,
}

impl JavaClass {
    /// The class named `name` (`getName()`), as a value.
    pub fn value(name: &str) -> Value {
        Value::Object(Rc::new(JavaClass { name: name.into() }))
    }

    /// The answer of one of the methods without parameters. `None`: not
    /// implemented, or not known for this class.
    fn get(&self, method: &str) -> MResult {
        let name = self.name.as_str();
        let shape = shape(name);
        let class = |c: Option<&str>| c.map_or(Value::Null, JavaClass::value);
        let known = !matches!(shape, Shape::Unknown);
        ok(match method {
            "getName" => Value::str(name),
            "getTypeName" => Value::str(&type_name(name)),
            "getSimpleName" => Value::str(&simple_name(name)),
            "toString" => Value::str(&self.to_java_string()),
            "getClass" => JavaClass::value("java.lang.Class"),
            "getCanonicalName" if known => {
                canonical_name(name).map_or(Value::Null, |c| Value::str(&c))
            }
            "getPackageName" if known => Value::str(package_name(name)),
            "getPackage" => match shape {
                Shape::Known(_) => JavaPackage::value(package_name(name)),
                Shape::Array { .. } | Shape::Primitive(_) => Value::Null,
                Shape::Unknown => return None,
            },
            "getModifiers" => Value::Int(i32::from(modifiers(name)?)),
            "toGenericString" => Value::str(&generic_string(name)?),
            "getSuperclass" => class(superclass(name)?),
            "getComponentType" | "componentType" if known => class(component(name)),
            "arrayType" if known => {
                if name.bytes().take_while(|&b| b == b'[').count() >= MAX_DIMENSIONS {
                    return err("java.lang.IllegalArgumentException");
                }
                JavaClass::value(&match shape {
                    Shape::Array { .. } => format!("[{name}"),
                    Shape::Primitive(letter) => format!("[{}", char::from(letter)),
                    _ => format!("[L{name};"),
                })
            }
            "descriptorString" if known => Value::str(&match shape {
                Shape::Array { .. } => name.replace('.', "/"),
                Shape::Primitive(letter) => char::from(letter).to_string(),
                _ => format!("L{};", name.replace('.', "/")),
            }),
            "getEnclosingClass" | "getDeclaringClass" | "getNestHost" | "isMemberClass"
            | "isAnonymousClass" => match shape {
                Shape::Known(c) => {
                    let (outer, anonymous) = (outer(c.name), is_anonymous(c.name));
                    match method {
                        "getEnclosingClass" => class(outer),
                        "getDeclaringClass" => class(outer.filter(|_| !anonymous)),
                        "getNestHost" => JavaClass::value(nest_host(c.name)),
                        "isMemberClass" => Value::Bool(outer.is_some() && !anonymous),
                        _ => Value::Bool(anonymous),
                    }
                }
                Shape::Array { .. } | Shape::Primitive(_) => match method {
                    "getNestHost" => JavaClass::value(name),
                    "isMemberClass" | "isAnonymousClass" => Value::Bool(false),
                    _ => Value::Null,
                },
                Shape::Unknown => return None,
            },
            "isArray" if known => Value::Bool(matches!(shape, Shape::Array { .. })),
            "isPrimitive" if known => Value::Bool(matches!(shape, Shape::Primitive(_))),
            "isInterface" if known => {
                Value::Bool(matches!(shape, Shape::Known(c) if c.modifiers & INTERFACE != 0))
            }
            "isSealed" if known => Value::Bool(matches!(shape, Shape::Known(c) if c.sealed)),
            "isEnum"
            | "isRecord"
            | "isAnnotation"
            | "isSynthetic"
            | "isLocalClass"
            | "isHidden"
            | "desiredAssertionStatus"
                if known =>
            {
                Value::Bool(false)
            }
            _ => return None,
        })
    }
}

/// The class named by a `Class` argument (`None`: no class).
fn class_arg(v: &Value) -> Option<&str> {
    match v {
        Value::Object(o) => o.java_class(),
        _ => None,
    }
}

impl HostObject for JavaClass {
    fn property(&self, name: &str) -> Option<Value> {
        let (_, method) = GETTERS.iter().find(|(prop, _)| names_prop(name, prop))?;
        self.get(method)?.ok()
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        let this = self.name.as_str();
        match (name, args) {
            ("hashCode", []) => Some(budget.class_hash(this).map(Value::Int).map_err(Into::into)),
            (_, []) => self.get(name),
            ("equals", [other]) => ok(Value::Bool(class_arg(other) == Some(this))),
            ("isInstance", [x]) => ok(Value::Bool(
                !x.is_null() && assignable(this, &x.java_class_name()),
            )),
            ("cast", [x]) => {
                if x.is_null() || assignable(this, &x.java_class_name()) {
                    ok(x.clone())
                } else {
                    err(format!(
                        "java.lang.ClassCastException: Cannot cast {} to {this}",
                        x.java_class_name()
                    ))
                }
            }
            ("isAssignableFrom", [Value::Null]) => err("java.lang.NullPointerException"),
            ("isAssignableFrom", [c]) => ok(Value::Bool(assignable(this, class_arg(c)?))),
            ("isNestmateOf", [c]) => {
                // Arrays and primitive types are nestmates of themselves only.
                let host = |name: &str| match shape(name) {
                    Shape::Known(c) => Some(nest_host(c.name)),
                    _ => None,
                };
                let same_nest = match c {
                    // Java asks the argument whether it is primitive first.
                    Value::Null if host(this).is_some() => {
                        return err(concat!(
                            "java.lang.NullPointerException: Cannot invoke ",
                            "\"java.lang.Class.isPrimitive()\" because \"c\" is null"
                        ))
                    }
                    Value::Null => false,
                    _ => {
                        let that = class_arg(c)?;
                        this == that || host(this).is_some_and(|h| host(that) == Some(h))
                    }
                };
                ok(Value::Bool(same_nest))
            }
            ("forName", [Value::Null]) => err("java.lang.NullPointerException"),
            ("forName", [Value::Str(n)]) => {
                charge!(budget.scan(n.len()));
                match for_name(n) {
                    Ok(c) => ok(JavaClass::value(c)),
                    Err(e) => err(e),
                }
            }
            _ if WITHOUT_PARAMETERS.contains(&name) => super::wrong_number_of_arguments(),
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        match shape(&self.name) {
            Shape::Primitive(_) => self.name.clone(),
            Shape::Known(c) if c.modifiers & INTERFACE != 0 => format!("interface {}", self.name),
            _ => format!("class {}", self.name),
        }
    }

    fn java_class(&self) -> Option<&str> {
        Some(&self.name)
    }

    fn hash_code(&self, budget: &Budget) -> Option<Result<i32, Exceeded>> {
        Some(budget.class_hash(&self.name))
    }
}

/// The class of a value, as `$x.class` gives it.
pub(super) fn class_of(v: &Value) -> Value {
    JavaClass::value(&v.java_class_name())
}

/// A `java.lang.Package` (`getPackage()` of a class), by its name. It
/// prints as `package java.lang`; what else Java tells of a package
/// (versions and vendors from a jar's manifest) depends on the JVM and the
/// jars, and is left out.
#[derive(Debug)]
pub struct JavaPackage {
    name: String,
}

impl JavaPackage {
    fn value(name: &str) -> Value {
        Value::Object(Rc::new(JavaPackage { name: name.into() }))
    }
}

/// The methods of `Package` without parameters (see [`WITHOUT_PARAMETERS`]).
const PACKAGE_WITHOUT_PARAMETERS: &[&str] = &[
    "getName",
    "toString",
    "hashCode",
    "getAnnotations",
    "getDeclaredAnnotations",
    "getPackages",
    "getSpecificationTitle",
    "getSpecificationVersion",
    "getSpecificationVendor",
    "getImplementationTitle",
    "getImplementationVersion",
    "getImplementationVendor",
    "getClass",
    "notify",
    "notifyAll",
];

impl HostObject for JavaPackage {
    fn property(&self, name: &str) -> Option<Value> {
        if names_prop(name, "Name") {
            Some(Value::str(&self.name))
        } else if names_prop(name, "Class") {
            Some(JavaClass::value("java.lang.Package"))
        } else {
            None
        }
    }

    fn call(&self, name: &str, args: &[Value], _budget: &Budget) -> CallResult {
        match (name, args) {
            ("getName", []) => ok(Value::str(&self.name)),
            ("toString", []) => ok(Value::str(&self.to_java_string())),
            ("hashCode", []) => ok(Value::Int(java_string_hash(&self.name))),
            ("getClass", []) => ok(JavaClass::value("java.lang.Package")),
            // One object per package: equal is the same package.
            ("equals", [Value::Object(o)]) => ok(Value::Bool(
                host_class_name(o.as_ref()) == "java.lang.Package"
                    && o.to_java_string() == self.to_java_string(),
            )),
            ("equals", [_]) => ok(Value::Bool(false)),
            (_, [_, ..]) if PACKAGE_WITHOUT_PARAMETERS.contains(&name) => {
                super::wrong_number_of_arguments()
            }
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        format!("package {}", self.name)
    }

    fn hash_code(&self, _budget: &Budget) -> Option<Result<i32, Exceeded>> {
        Some(Ok(java_string_hash(&self.name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class names the engine's values report, each in the table.
    #[test]
    fn every_class_of_a_value_is_known() {
        let names = [
            "java.lang.String",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Double",
            "java.lang.Float",
            "java.lang.Short",
            "java.lang.Byte",
            "java.lang.Boolean",
            "java.lang.Character",
            "java.math.BigInteger",
            "java.math.BigDecimal",
            "java.util.ArrayList",
            "net.minidev.json.JSONArray",
            "java.util.LinkedHashMap",
            "java.util.LinkedHashMap$Entry",
            "java.util.LinkedHashMap$LinkedKeySet",
            "java.util.LinkedHashMap$LinkedValues",
            "java.util.LinkedHashMap$LinkedEntrySet",
            "java.util.ArrayList$Itr",
            "java.util.ArrayList$ListItr",
            "java.util.AbstractList$Itr",
            "java.util.AbstractList$ListItr",
            "java.util.LinkedHashMap$LinkedKeyIterator",
            "java.util.LinkedHashMap$LinkedValueIterator",
            "java.util.LinkedHashMap$LinkedEntryIterator",
            "java.util.Iterator",
            "java.util.ArrayList$SubList",
            "java.util.AbstractList$SubList",
            "java.util.ArrayList$SubList$1",
            "java.util.AbstractList$SubList$1",
            "java.lang.Class",
            "java.lang.Package",
            "java.lang.Object",
            "org.apache.velocity.runtime.directive.ForeachScope",
        ];
        for n in names {
            assert!(info(n).is_some(), "{n}");
        }
        // Every superclass and interface a row names has its row.
        for c in CLASSES {
            for s in c.superclass.into_iter().chain(c.interfaces.iter().copied()) {
                assert!(info(s).is_some(), "{} names {s}", c.name);
            }
        }
    }

    #[test]
    fn names() {
        assert_eq!(simple_name("[Ljava.lang.String;"), "String[]");
        assert_eq!(simple_name("[[C"), "char[][]");
        assert_eq!(simple_name("java.util.ArrayList$SubList$1"), "");
        assert_eq!(
            type_name("[[Ljava.util.ArrayList$Itr;"),
            "java.util.ArrayList$Itr[][]"
        );
        assert_eq!(
            canonical_name("java.util.LinkedHashMap$Entry").as_deref(),
            Some("java.util.LinkedHashMap.Entry")
        );
        assert_eq!(canonical_name("[Ljava.util.ArrayList$SubList$1;"), None);
        assert_eq!(package_name("[C"), "java.lang");
        assert_eq!(
            generic_string("java.util.Map$Entry").as_deref(),
            Some("public abstract static interface java.util.Map$Entry<K,V>")
        );
        assert_eq!(modifiers("[Ljava.util.ArrayList$Itr;"), Some(1042));
    }

    #[test]
    fn assignability() {
        assert!(assignable(
            "java.util.AbstractCollection",
            "net.minidev.json.JSONArray"
        ));
        assert!(assignable(
            "java.lang.Iterable",
            "java.util.LinkedHashMap$LinkedKeySet"
        ));
        assert!(assignable(
            "[Ljava.lang.CharSequence;",
            "[Ljava.lang.String;"
        ));
        assert!(assignable("java.io.Serializable", "[C"));
        assert!(!assignable("[Ljava.lang.Object;", "[C"));
        assert!(!assignable("java.util.List", "java.util.LinkedHashMap"));
    }

    #[test]
    fn for_name_messages() {
        assert_eq!(for_name("java.lang.String"), Ok("java.lang.String"));
        assert_eq!(for_name("[[I"), Ok("[[I"));
        let cnfe = |m: &str| Err(format!("java.lang.ClassNotFoundException: {m}"));
        assert_eq!(for_name("a..b"), cnfe("a//b"));
        assert_eq!(for_name("a."), cnfe("a."));
        assert_eq!(for_name(".a"), cnfe("/a"));
        assert_eq!(for_name("[La.;"), cnfe("a."));
        assert_eq!(for_name("[L;"), cnfe("[L;"));
        assert_eq!(for_name("[V"), cnfe("[V"));
        assert_eq!(for_name("int"), cnfe("int"));
        assert_eq!(for_name("java/lang/String"), cnfe("java/lang/String"));
        assert_eq!(for_name(""), cnfe(""));
        let deep = format!("{}C", "[".repeat(256));
        assert_eq!(for_name(&deep), cnfe(&deep));
    }
}
