//! Parse and render an API Gateway-like mapping template.
//!
//! `cargo bench --bench render` (`-- parse` or `-- render` for one of them).

use std::hint::black_box;

use apigw_vtl::{Context, RenderOptions, Template};
use criterion::{criterion_group, criterion_main, Criterion};

/// A response mapping template in the style of the AWS examples: data built with
/// `#set`, a loop with the `#if($foreach.hasNext),#end` comma idiom, conditionals,
/// string methods and hand-built JSON.
const TEMPLATE: &str = r##"#set($items = [])
#foreach($i in [1..200])
  #set($item = {"id": $i, "type": "pet-$i", "price": 0.99, "tags": ["a", "b"], "owner": "  Owner Name $i  "})
  #if($i % 3 == 0)#set($item.type = "dog")#elseif($i % 3 == 1)#set($item.type = "cat")#else#set($item.type = "fish")#end
  #set($ignore = $items.add($item))
#end
## response body
{
  "count": $items.size(),
  "items": [
#foreach($elem in $items)
    {
      "id": $elem.id,
      "description": "Item $elem.id is a $elem.type.",
      "owner": "$elem.owner.trim().toUpperCase()",
      "slug": "$elem.type.replaceAll('[^a-z]', '-')-$elem.id",
      "askingPrice": #if($elem.price > 1)$elem.price#else$elem.price#end,
      #if($elem.type == "dog" && $elem.id > 100)"big": true,#end
      "tags": [#foreach($t in $elem.tags)"$t"#if($foreach.hasNext),#end#end],
      "first": $foreach.first,
      "missing": "$!elem.nothing"
    }#if($foreach.hasNext),#end
#end
  ]
}
"##;

fn parse(c: &mut Criterion) {
    c.bench_function("parse", |b| b.iter(|| Template::parse(black_box(TEMPLATE))));
}

fn render(c: &mut Criterion) {
    let ctx = Context::new();
    let opts = RenderOptions::default();
    match Template::parse(TEMPLATE) {
        Ok(t) => {
            c.bench_function("render", |b| {
                b.iter(|| t.render_with(black_box(&ctx), &opts))
            });
        }
        Err(e) => eprintln!("render benchmark skipped: the template does not parse yet: {e}"),
    }
}

criterion_group!(benches, parse, render);
criterion_main!(benches);
