//! Extractors that turn every bad input into a problem document, and put every text field in
//! NFC with NUL refused before a handler sees it.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use domain::text::{TextError, normalize};
use domain::validation::ValidationErrors;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body: `Content-Type: application/json`, at most the configured size, every string
/// normalized, and type errors reported with the path of the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<actix_web::web::Data<AppState>>()
            .map_or(crate::config::DEFAULT_BODY_LIMIT, |s| s.body_limit);
        let content_type_ok = is_json(req);
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "application/json".to_owned(),
                ));
            }
            let body = read_body(&mut payload, limit, declared_length).await?;
            parse_json(&body).map(Json)
        })
    }
}

/// A `text/plain` body in UTF-8, normalized to NFC, NUL refused.
pub struct PlainText(pub String);

impl FromRequest for PlainText {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<actix_web::web::Data<AppState>>()
            .map_or(crate::config::DEFAULT_BODY_LIMIT, |s| s.body_limit);
        let content_type_ok = match req.mime_type() {
            Ok(Some(mime)) => {
                mime.type_() == "text"
                    && mime.subtype() == "plain"
                    && mime
                        .get_param("charset")
                        .is_none_or(|c| c.as_str().eq_ignore_ascii_case("utf-8"))
            }
            _ => false,
        };
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "text/plain; charset=utf-8".to_owned(),
                ));
            }
            let body = read_body(&mut payload, limit, declared_length).await?;
            let text = String::from_utf8(body.to_vec())
                .map_err(|e| ApiError::MalformedBody(format!("the text is not UTF-8 ({e})")))?;
            normalize(&text).map(PlainText).map_err(|e| {
                ApiError::Validation(ValidationErrors::single(
                    "body",
                    "contains_nul",
                    e.to_string(),
                ))
            })
        })
    }
}

/// Query parameters, with text normalized like bodies and errors naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        }
        _ => false,
    }
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Reads the whole body, refusing it as soon as it is known to exceed `limit`.
pub async fn read_body(
    payload: &mut Payload,
    limit: usize,
    declared_length: Option<usize>,
) -> Result<BytesMut, ApiError> {
    if declared_length.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let mut body = BytesMut::with_capacity(declared_length.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::MalformedBody(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::MalformedBody(e.to_string()))?;
    let mut errors = ValidationErrors::new();
    normalize_strings(&mut value, &mut String::new(), &mut errors);
    errors.into_result()?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = match e.path().to_string() {
            path if path == "." => "body".to_owned(),
            path => path,
        };
        let message = without_input_values(&e.into_inner().to_string());
        let code = if message.starts_with("missing field") {
            "required"
        } else {
            "invalid_type"
        };
        ApiError::Validation(ValidationErrors::single(field, code, message))
    })
}

/// Puts every string of a JSON document (keys included) in NFC and records each one holding NUL.
fn normalize_strings(value: &mut Value, path: &mut String, errors: &mut ValidationErrors) {
    match value {
        Value::String(text) => match normalize(text) {
            Ok(normalized) => *text = normalized,
            Err(TextError::ContainsNul) => errors.add(
                field_name(path),
                "contains_nul",
                TextError::ContainsNul.to_string(),
            ),
        },
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                normalize_strings(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                let key = match normalize(&key) {
                    Ok(key) => key,
                    Err(_) => {
                        errors.add(
                            field_name(path),
                            "contains_nul",
                            "field names must not contain NUL",
                        );
                        continue;
                    }
                };
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
                normalize_strings(&mut item, path, errors);
                path.truncate(len);
                map.insert(key, item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn field_name(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
        ApiError::Validation(ValidationErrors::single(
            "query",
            "invalid_format",
            e.to_string(),
        ))
    })?;
    let mut errors = ValidationErrors::new();
    let normalized: Vec<(String, String)> = pairs
        .into_iter()
        .filter_map(|(name, value)| match normalize(&value) {
            Ok(value) => Some((name, value)),
            Err(error) => {
                errors.add(name, "contains_nul", error.to_string());
                None
            }
        })
        .collect();
    errors.into_result()?;
    let encoded = serde_urlencoded::to_string(&normalized).map_err(|e| {
        ApiError::Validation(ValidationErrors::single(
            "query",
            "invalid_format",
            e.to_string(),
        ))
    })?;
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = match e.path().to_string() {
            path if path == "." => "query".to_owned(),
            path => path,
        };
        ApiError::Validation(ValidationErrors::single(
            field,
            "invalid_format",
            without_input_values(&e.into_inner().to_string()),
        ))
    })
}

/// serde quotes the value it could not read (`invalid type: string "0912345678", expected a
/// boolean`). The value may be personal data, and error answers get logged and shown, so only
/// its type is kept.
fn without_input_values(message: &str) -> String {
    let mut message = message.to_owned();
    for (opening, closing, kind) in [
        ("string \"", "\"", "a string"),
        ("integer `", "`", "an integer"),
        ("floating point `", "`", "a number"),
    ] {
        let Some(start) = message.find(opening) else {
            continue;
        };
        let rest = &message[start + opening.len()..];
        // The value may itself hold the closing quote; serde's own text follows ", expected".
        let end = rest
            .rfind(&format!("{closing}, expected"))
            .or_else(|| rest.rfind(closing))
            .map_or(rest.len(), |i| i + closing.len());
        message = format!("{}{kind}{}", &message[..start], &rest[end..]);
    }
    message
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Contact {
        phone: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        name: String,
        contact: Option<Contact>,
        tags: Option<Vec<String>>,
    }

    fn fields(error: ApiError) -> Vec<(String, String)> {
        match error {
            ApiError::Validation(errors) => errors
                .errors()
                .iter()
                .map(|e| (e.field.clone(), e.code.to_owned()))
                .collect(),
            other => vec![(other.code().to_owned(), String::new())],
        }
    }

    #[test]
    fn bodies_are_normalized_to_nfc() {
        let body: Result<Body, _> = parse_json(
            "{\"name\": \"Xa\u{0303} Tru\u{031B}o\u{031B}\u{0300}ng Xua\u{0302}n\"}".as_bytes(),
        );
        assert_eq!(body.ok().map(|b| b.name), Some("Xã Trường Xuân".to_owned()));
    }

    #[test]
    fn nul_anywhere_is_refused_with_its_path() {
        let error = parse_json::<Body>(
            br#"{"name": "ok", "contact": {"phone": "03\u0000"}, "tags": ["a", "\u0000"]}"#,
        )
        .err();
        let got = error.map(fields).unwrap_or_default();
        assert_eq!(
            got,
            [
                ("contact.phone".to_owned(), "contains_nul".to_owned()),
                ("tags[1]".to_owned(), "contains_nul".to_owned())
            ]
        );
    }

    #[test]
    fn type_errors_do_not_repeat_the_value() {
        let error = parse_json::<Body>(br#"{"name": "x", "tags": "0912 345 678, Nguy\u1ec5n"}"#);
        let messages: Vec<String> = match error {
            Err(ApiError::Validation(errors)) => {
                errors.errors().iter().map(|e| e.message.clone()).collect()
            }
            _ => Vec::new(),
        };
        assert_eq!(messages.len(), 1);
        assert!(!messages[0].contains("0912"), "{messages:?}");
        assert!(messages[0].contains("a string"), "{messages:?}");
        assert_eq!(
            without_input_values("invalid type: integer `912345678`, expected a string"),
            "invalid type: an integer, expected a string"
        );
        assert_eq!(
            without_input_values(r#"invalid value: string "a", expected", expected x"#),
            "invalid value: a string, expected x"
        );
    }

    #[test]
    fn syntax_errors_are_malformed_bodies() {
        let error = parse_json::<Body>(b"{\"name\": ").err();
        assert_eq!(error.map(|e| e.code()), Some("malformed_body"));
    }

    #[test]
    fn type_errors_name_the_field() {
        let error = parse_json::<Body>(br#"{"name": "ok", "contact": {"phone": 374408758}}"#).err();
        assert_eq!(
            error.map(fields).unwrap_or_default(),
            [("contact.phone".to_owned(), "invalid_type".to_owned())]
        );
        let error = parse_json::<Body>(br#"{"contact": null}"#).err();
        assert_eq!(
            error.map(fields).unwrap_or_default(),
            [("body".to_owned(), "required".to_owned())]
        );
    }

    async fn extract(
        content_type: Option<&str>,
        body: Vec<u8>,
        declared: Option<usize>,
    ) -> Result<Json<Body>, ApiError> {
        let mut request = actix_web::test::TestRequest::post().uri("/");
        if let Some(content_type) = content_type {
            request = request.insert_header((header::CONTENT_TYPE, content_type));
        }
        if let Some(length) = declared {
            request = request.insert_header((header::CONTENT_LENGTH, length.to_string()));
        }
        let state = AppState::for_limit_tests(64);
        let (req, mut payload) = request
            .app_data(actix_web::web::Data::new(state))
            .set_payload(body)
            .to_http_parts();
        Json::<Body>::from_request(&req, &mut payload).await
    }

    #[actix_web::test]
    async fn bodies_over_the_limit_are_413_even_without_a_length() {
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(100)).into_bytes();
        let declared = extract(Some("application/json"), big.clone(), Some(big.len()))
            .await
            .err();
        assert_eq!(declared.map(|e| e.code()), Some("payload_too_large"));
        let streamed = extract(Some("application/json"), big, None).await.err();
        assert_eq!(streamed.map(|e| e.code()), Some("payload_too_large"));
    }

    #[actix_web::test]
    async fn bodies_must_be_declared_json() {
        let body = r#"{"name": "Xã Trường Xuân"}"#.as_bytes().to_vec();
        let missing = extract(None, body.clone(), None).await.err();
        assert_eq!(missing.map(|e| e.code()), Some("unsupported_media_type"));
        let form = extract(
            Some("application/x-www-form-urlencoded"),
            body.clone(),
            None,
        )
        .await
        .err();
        assert_eq!(form.map(|e| e.code()), Some("unsupported_media_type"));
        let charset = extract(Some("application/json; charset=utf-8"), body.clone(), None)
            .await
            .ok();
        assert_eq!(
            charset.map(|Json(b)| b.name),
            Some("Xã Trường Xuân".to_owned())
        );
        let problem = extract(Some("application/merge-patch+json"), body, None).await;
        assert!(problem.is_ok());
    }

    #[actix_web::test]
    async fn invalid_utf8_is_a_malformed_body() {
        let error = extract(
            Some("application/json"),
            b"{\"name\": \"\xff\xfe\"}".to_vec(),
            None,
        )
        .await
        .err();
        assert_eq!(error.map(|e| e.code()), Some("malformed_body"));
    }

    #[derive(Debug, Deserialize)]
    struct Params {
        page: Option<i64>,
        q: Option<String>,
    }

    #[test]
    fn query_errors_name_the_parameter_and_text_is_normalized() {
        let error = parse_query::<Params>("page=abc").err();
        assert_eq!(error.map(|e| e.code()), Some("validation_failed"));
        let params = parse_query::<Params>("q=Tru%CC%9Bo%CC%9B%CC%80ng&page=2").ok();
        assert_eq!(params.as_ref().and_then(|p| p.q.as_deref()), Some("Trường"));
        assert_eq!(params.and_then(|p| p.page), Some(2));
        let error = parse_query::<Params>("q=a%00b").err();
        assert_eq!(
            error.map(fields).unwrap_or_default(),
            [("q".to_owned(), "contains_nul".to_owned())]
        );
    }
}
