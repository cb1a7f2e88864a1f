import threading
from concurrent.futures import ThreadPoolExecutor

from apigw_vtl import MappingTemplate


def requests(n):
    for i in range(n):
        yield {
            "body": '{"name": "n%d", "items": [%s]}' % (i, ",".join(str(j) for j in range(i % 7))),
            "headers": {"X-Id": str(i)},
            "queryStringParameters": {"page": str(i % 3)},
            "requestContext": {"requestId": "r-%d" % i, "stage": "s"},
        }


SOURCE = """#set($items = $input.path('$.items'))
{"name": "$util.escapeJavaScript($input.path('$.name'))", "id": "$input.params('X-Id')",
 "page": $input.params('page'), "sum": #set($s = 0)#foreach($i in $items)#set($s = $s + $i)#end$s,
 "request": "$context.requestId", "raw": $input.json('$')}"""


def test_one_template_rendered_from_4_threads_gives_identical_results():
    template = MappingTemplate(SOURCE)
    events = list(requests(400))
    expected = [template.render(e).body for e in events]
    barrier = threading.Barrier(4)

    def work(offset):
        barrier.wait()
        # Each thread walks the events from a different start, so renders overlap.
        order = events[offset:] + events[:offset]
        return [template.render(e).body for e in order], offset

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, [0, 100, 200, 300]))
    for bodies, offset in results:
        assert bodies == expected[offset:] + expected[:offset]
    assert expected[5].startswith('{"name": "n5", "id": "5",\n "page": 2, "sum": 10,')
