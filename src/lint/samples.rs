//! The built-in requests and integration responses the output check renders
//! templates against: one with the fields templates commonly read, one with
//! none of them, one whose strings hold quotes, apostrophes and line breaks,
//! and one with an empty body — so a bug one of them hides, another shows.

use crate::runtime::Request;

/// One request to render against, and how messages name it.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub request: Request,
}

/// What request templates (and template files) and response templates are
/// rendered against.
#[derive(Debug, Clone)]
pub struct Samples {
    pub requests: Vec<Sample>,
    /// Integration responses: `$input` is the integration's response body.
    pub responses: Vec<Sample>,
}

impl Default for Samples {
    fn default() -> Samples {
        Samples::builtin()
    }
}

/// The event every sample starts from, with `body` replaced.
const EVENT: &str = r#"{
  "resource": "/items/{id}", "path": "/items/42", "httpMethod": "POST",
  "headers": {"Accept": "application/json", "Content-Type": "application/json", "Host": "example.execute-api.us-east-1.amazonaws.com", "User-Agent": "curl/8.5.0"},
  "queryStringParameters": {"mode": "async", "limit": "10"},
  "pathParameters": {"id": "42", "proxy": "items/42"},
  "stageVariables": {"env": "dev", "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Example"},
  "requestContext": {"accountId": "123456789012", "apiId": "a1b2c3d4e5", "domainName": "example.execute-api.us-east-1.amazonaws.com",
    "extendedRequestId": "Nq1xKFv2IAMEbXw=", "httpMethod": "POST", "path": "/dev/items/42", "protocol": "HTTP/1.1",
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "requestTime": "25/Nov/2026:03:19:13 +0000", "requestTimeEpoch": 1795576753000,
    "resourceId": "x1y2z3", "resourcePath": "/items/{id}", "stage": "dev",
    "identity": {"sourceIp": "198.51.100.7", "userAgent": "curl/8.5.0", "accountId": null, "caller": null, "user": null, "userArn": null}},
  "body": null,
  "isBase64Encoded": false
}"#;

/// A request body with the fields templates commonly read.
const BODY: &str = r#"{"id":"42","name":"Ada O'Brien","email":"ada@example.com","count":3,"quantity":2,"price":9.5,"active":true,"tags":["a","b"],"items":[{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}],"address":{"city":"Paris","zip":"75001"},"order":{"id":"7","total":12.5},"message":"hello","detail":{"kind":"created"},"data":{"value":1},"payload":{"value":1},"input":{"value":1},"records":[{"n":1},{"n":2}],"note":null}"#;

/// The same fields, with quotes, apostrophes, backslashes and line breaks in the strings.
const TRICKY_BODY: &str = r#"{"id":"4\"2","name":"Ada \"The Countess\" O'Brien\nLovelace","email":"a\\b@example.com","count":3,"quantity":2,"price":9.5,"active":true,"tags":["it's","say \"hi\""],"items":[{"sku":"A\"1","qty":2},{"sku":"B'2","qty":1}],"address":{"city":"L'Haÿ","zip":"94240"},"order":{"id":"7","total":12.5},"message":"line one\nline \"two\"","detail":{"kind":"it's"},"data":{"value":1},"payload":{"value":1},"input":{"value":1},"records":[{"n":1},{"n":2}],"note":null}"#;

/// An integration response with the fields response templates commonly read
/// (Step Functions, SQS, SNS, EventBridge, DynamoDB, Lambda).
const RESPONSE: &str = r#"{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:Example:1b2c","startDate":1.795576753E9,"stopDate":1.795576754E9,"status":"SUCCEEDED","output":"{\"id\":\"42\",\"status\":\"done\"}","SendMessageResponse":{"SendMessageResult":{"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274","MD5OfMessageBody":"51b0a325"}},"PublishResponse":{"PublishResult":{"MessageId":"95df01b4-ee98-5cb9-9903-4c221d41eb5e"}},"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274","Entries":[{"EventId":"11710aed-b79e-4468-a20b-bb3c0c3b4860"}],"FailedEntryCount":0,"Items":[{"id":{"S":"42"},"name":{"S":"Ada O'Brien"},"count":{"N":"3"}}],"Item":{"id":{"S":"42"},"name":{"S":"Ada O'Brien"}},"Count":1,"ScannedCount":1,"statusCode":200,"body":"{\"id\":\"42\"}","id":"42","name":"Ada O'Brien","message":"ok","items":[{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}]}"#;

const TRICKY_RESPONSE: &str = r#"{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:Example:1b2c","status":"FAILED","error":"States.TaskFailed","cause":"it's \"broken\"\nbadly","output":"{\"msg\":\"it's \\\"x\\\"\"}","Items":[{"id":{"S":"4\"2"},"name":{"S":"O'Brien \"Ada\"\nLovelace"}}],"Item":{"id":{"S":"4\"2"},"name":{"S":"O'Brien\n"}},"Count":1,"id":"4\"2","name":"Ada \"The Countess\" O'Brien\nLovelace","message":"line one\nline \"two\"","errorMessage":"it's \"bad\""}"#;

fn with_body(body: Option<&str>) -> Request {
    let mut r = Request::from_event_json(EVENT).unwrap_or_default();
    r.body = body.map(std::sync::Arc::from);
    r
}

fn sample(name: &str, body: Option<&str>) -> Sample {
    Sample {
        name: name.to_string(),
        request: with_body(body),
    }
}

impl Samples {
    /// The built-in samples.
    pub fn builtin() -> Samples {
        Samples {
            requests: vec![
                sample("the sample request", Some(BODY)),
                sample("a request whose strings hold quotes, apostrophes and line breaks", Some(TRICKY_BODY)),
                sample("a request whose body has none of the fields", Some("{}")),
                sample("a request with an empty body", Some("")),
            ],
            responses: vec![
                sample("a sample integration response", Some(RESPONSE)),
                sample("an integration response whose strings hold quotes, apostrophes and line breaks", Some(TRICKY_RESPONSE)),
                sample("an integration response with none of the fields", Some("{}")),
            ],
        }
    }

    /// One request (`--event`) for request templates; the built-in integration
    /// responses for response templates.
    pub fn with_request(name: &str, request: Request) -> Samples {
        Samples {
            requests: vec![Sample {
                name: name.to_string(),
                request,
            }],
            responses: Samples::builtin().responses,
        }
    }
}

/// The first built-in sample: a POST with a JSON body of common shapes,
/// headers, a query string, path parameters, stage variables and a request context.
pub fn sample_request() -> Request {
    with_body(Some(BODY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_parses() {
        let s = Samples::builtin();
        for x in s.requests.iter().chain(&s.responses) {
            assert!(!x.request.request_context.is_empty(), "{}", x.name);
            if let Some(b) = x.request.body.as_deref().filter(|b| !b.is_empty()) {
                assert!(
                    serde_json::from_str::<serde_json::Value>(b).is_ok(),
                    "{}",
                    x.name
                );
            }
        }
    }
}
