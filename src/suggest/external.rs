//! Accord's external suggester: an HTTP client for a Label Studio ML backend.
//!
//! Anyone who already runs a [Label Studio ML backend] (spaCy, transformers,
//! GLiNER, …) can point Accord at its URL and get labelled spans proposed.
//!
//! # Protocol (as served by `label_studio_ml/api.py`)
//!
//! * `GET {url}/health` → `200 {"status": "UP", "model_class": "…"}`.
//! * `POST {url}/predict` with
//!   `{"tasks": [{"id": 1, "data": {"text": "…"}}, …], "label_config": "<View>…</View>", "project": "accord"}`
//!   → `{"results": [prediction, …]}`, one prediction per task, in task order.
//!   The backend reads the text with `task["data"][v]` where `$v` is the
//!   `value` of the `<Text>` tag of `label_config`; [`label_config`] names it
//!   `$text`. `project` is split on `.` by the server and used as a cache key.
//! * A prediction is `{"result": [region, …], "score": 0.9, "model_version": "…"}`
//!   and a region is `{"from_name": "label", "to_name": "text", "type": "labels",
//!   "value": {"start": 0, "end": 5, "text": "…", "labels": ["PER"]}, "score": 0.87}`.
//! * Errors come back as non-2xx with `{"status": 500, "detail": "…", …}`.
//!
//! Also accepted: a bare JSON list of predictions (older servers), a top-level
//! `"predictions"` list instead of `"results"`, a `null` prediction (no
//! regions), and a list of predictions for one task (the pydantic
//! `ModelResponse` allows several per task: the first is used).
//!
//! # Regions
//!
//! Only regions whose `type` is `labels` (any case) are used; others
//! (`choices`, `textarea`, …) and regions with an empty `labels` list are
//! ignored silently. A region with several labels yields its first label:
//! Accord's spans carry one label each. Labels are passed through as the
//! backend wrote them, even if they are not in the label set sent in
//! `label_config` (spaCy, for one, answers with its own label names).
//! A region's score is its own `score`, else its prediction's `score`, else 1.0.
//!
//! # Offsets
//!
//! Accord counts offsets in chars (Unicode scalar values). Label Studio's
//! frontend stores text offsets as JavaScript string indices (UTF-16 code
//! units), while Python backends return Python `str` indices (chars). The two
//! only differ after a character outside the Basic Multilingual Plane (emoji,
//! some CJK extensions, …), so each region is decided on its own:
//!
//! * with `value.text`: the offsets are read as chars and, if the document
//!   slice does not equal `value.text`, as UTF-16; the first reading whose
//!   slice equals `value.text` is used. If neither does, the region is dropped.
//! * without `value.text`: the offsets are chars (what Python backends send).
//! * `end <= start`, an offset past the end of the text, a negative or
//!   fractional offset, or a UTF-16 offset inside a surrogate pair: dropped.
//!
//! [`Predictions::dropped`] counts the `labels` regions that could not be
//! placed (malformed, out of range, or not matching `value.text`), so the app
//! can tell the user that some suggestions were discarded.
//!
//! # Limits
//!
//! Each call has one global deadline, [`Backend::timeout`], covering DNS,
//! connect, sending and reading the whole answer. Answers are read with a
//! limit of [`MAX_ANSWER_BYTES`]. Only `http://` and `https://` URLs are
//! used; `user:password@` in the URL is sent as HTTP basic auth (as the
//! backend's `BASIC_AUTH_USER`/`BASIC_AUTH_PASS` expect) and is masked in
//! error messages. The environment's proxy settings (`HTTP_PROXY`, `NO_PROXY`,
//! …) apply, except to loopback hosts, which are always reached directly.
//!
//! [Label Studio ML backend]: https://github.com/HumanSignal/label-studio-ml-backend

use std::io::Read;
use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// Largest answer read from the backend (64 MiB).
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// A timeout suited to a backend that runs a model on a handful of texts.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest `/health` answer read (1 MiB).
const MAX_HEALTH_BYTES: u64 = 1024 * 1024;

/// How much of an error answer is read to quote from it.
const MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;

/// How many chars of an error answer are quoted in [`ExternalError::Status`].
const QUOTED_CHARS: usize = 200;

/// The `project` sent with each prediction request. The backend keys its
/// cache (label config, model version) by the part before the first `.`.
const PROJECT: &str = "accord";

const USER_AGENT: &str = concat!("accord-suggester/", env!("CARGO_PKG_VERSION"));

/// One text sent to the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task<'a> {
    pub id: u64,
    pub text: &'a str,
}

/// One region the backend proposed, in char (Unicode scalar) offsets into the task's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub score: f32,
}

/// What one call returned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Predictions {
    /// One list per task, in the order the tasks were given.
    pub per_task: Vec<Vec<Region>>,
    /// `labels` regions discarded because their offsets could not be placed
    /// in the text (see the module documentation).
    pub dropped: usize,
    /// The answer's `model_version`, else the first prediction's.
    pub model_version: Option<String>,
}

/// Where the backend is and how to talk to it.
#[derive(Clone, Debug)]
pub struct Backend {
    /// Base URL, e.g. `http://localhost:9090` (a trailing slash is fine).
    pub url: String,
    /// Deadline for a whole call: connect, send, and read the answer.
    pub timeout: Duration,
    /// The Label Studio labelling config sent with each prediction request;
    /// see [`label_config`].
    pub label_config: String,
}

/// Why a call to the backend failed. Every message names the URL (with any
/// password masked) and says what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    #[error(
        "the suggestion server URL {url:?} cannot be used: {reason}; enter an http:// or https:// address in the project's suggestion settings"
    )]
    BadUrl { url: String, reason: String },

    #[error(
        "cannot reach the suggestion server at {url}: {detail}; start it or fix the URL in the project's suggestion settings"
    )]
    Unreachable { url: String, detail: String },

    #[error(
        "the suggestion server at {url} did not answer within {} s; check that it is running and not stuck (the window waits 20 s for each document; `accord suggest --timeout` sets how long the command line waits)",
        .timeout.as_secs_f64()
    )]
    Timeout { url: String, timeout: Duration },

    #[error(
        "the suggestion server at {url} answered with HTTP status {code}: {body}; see the server's log for the cause"
    )]
    Status {
        url: String,
        code: u16,
        /// The server's `detail` if it sent Label Studio's error JSON, else
        /// the start of its answer; at most 200 chars either way.
        body: String,
    },

    #[error(
        "the suggestion server at {url} did not answer with JSON ({detail}); check that the URL points at a Label Studio ML backend"
    )]
    NotJson { url: String, detail: String },

    #[error(
        "the suggestion server at {url} answered with JSON of an unexpected shape: {detail}; check that it is a Label Studio ML backend for text labelling"
    )]
    BadShape { url: String, detail: String },

    #[error(
        "the suggestion server at {url} returned {} for {} instead of one per text; some backends skip texts they find nothing in, so try sending one text per request, or fix the backend",
        counted(*.got, "prediction"),
        counted(*.expected, "text")
    )]
    WrongCount {
        url: String,
        expected: usize,
        got: usize,
    },

    #[error(
        "the suggestion server at {url} sent an answer larger than {}; send fewer or shorter texts per request",
        size_text(*.limit)
    )]
    TooLarge { url: String, limit: u64 },

    #[error(
        "the suggestion server at {url} reports status {status:?} instead of \"UP\"; wait for it to finish starting, or see its log"
    )]
    NotUp { url: String, status: String },

    #[error(
        "talking to the suggestion server at {url} failed: {detail}; check the URL (http or https, host and port) and that the server is a Label Studio ML backend"
    )]
    Transport { url: String, detail: String },
}

impl ExternalError {
    /// The URL the failed call was made to, password masked.
    pub fn url(&self) -> &str {
        match self {
            ExternalError::BadUrl { url, .. }
            | ExternalError::Unreachable { url, .. }
            | ExternalError::Timeout { url, .. }
            | ExternalError::Status { url, .. }
            | ExternalError::NotJson { url, .. }
            | ExternalError::BadShape { url, .. }
            | ExternalError::WrongCount { url, .. }
            | ExternalError::TooLarge { url, .. }
            | ExternalError::NotUp { url, .. }
            | ExternalError::Transport { url, .. } => url,
        }
    }
}

/// `64 MiB`, `1 KiB`, `100 bytes`.
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// `1 text`, `2 texts`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A Label Studio labelling config naming `labels` (so the backend knows the label set):
/// `<View><Labels name="label" toName="text"><Label value="PER"/>…</Labels><Text name="text" value="$text"/></View>`,
/// labels XML-escaped.
pub fn label_config(labels: &[&str]) -> String {
    let mut out = String::from(r#"<View><Labels name="label" toName="text">"#);
    for label in labels {
        out.push_str(r#"<Label value=""#);
        out.push_str(&crate::formats::xml_attribute(label));
        out.push_str(r#""/>"#);
    }
    out.push_str(r#"</Labels><Text name="text" value="$text"/></View>"#);
    out
}

/// The parts of [`Backend::url`] a call needs.
struct Endpoint {
    /// Trimmed, without trailing slashes: requests go to `{base}/health` etc.
    base: String,
    /// `base` with any password replaced by `***`, for messages.
    shown: String,
    /// Loopback hosts bypass any proxy from the environment.
    loopback: bool,
}

impl Endpoint {
    fn parse(raw: &str) -> Result<Endpoint, ExternalError> {
        let base = raw.trim().trim_end_matches('/');
        let bad = |reason: &str| ExternalError::BadUrl {
            url: mask_password(base),
            reason: reason.to_string(),
        };
        if base.is_empty() {
            return Err(bad("it is empty"));
        }
        let scheme_len = ["http://", "https://"]
            .iter()
            .find(|p| {
                base.get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p))
            })
            .map(|p| p.len())
            .ok_or_else(|| bad("only http:// and https:// addresses are supported"))?;
        if base.contains(['?', '#']) {
            return Err(bad("it must not have a ?query or #fragment"));
        }
        if base.contains(char::is_whitespace) {
            return Err(bad("it contains a space"));
        }
        let rest = &base[scheme_len..];
        let authority = rest.split('/').next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        let host = if let Some(v6) = host_port.strip_prefix('[') {
            v6.split(']').next().unwrap_or("")
        } else {
            host_port.split(':').next().unwrap_or("")
        };
        if host.is_empty() {
            return Err(bad("it has no host name"));
        }
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host.to_ascii_lowercase().ends_with(".localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        Ok(Endpoint {
            base: base.to_string(),
            shown: mask_password(base),
            loopback,
        })
    }
}

/// `http://user:secret@host` → `http://user:***@host`.
fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let authority_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &authority[..colon],
                &url[scheme_end + at..]
            ),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[derive(Serialize)]
struct PredictRequest<'a> {
    tasks: Vec<TaskJson<'a>>,
    label_config: &'a str,
    project: &'a str,
}

#[derive(Serialize)]
struct TaskJson<'a> {
    id: u64,
    data: TaskData<'a>,
}

#[derive(Serialize)]
struct TaskData<'a> {
    text: &'a str,
}

type Response = ureq::http::Response<ureq::Body>;

impl Backend {
    /// A backend at `url` with [`DEFAULT_TIMEOUT`] and a config naming `labels`.
    pub fn new(url: impl Into<String>, labels: &[&str]) -> Backend {
        Backend {
            url: url.into(),
            timeout: DEFAULT_TIMEOUT,
            label_config: label_config(labels),
        }
    }

    /// Asks `GET {url}/health`; returns the backend's model class (e.g.
    /// `SpacyMLBackend`), or its status if it names no class.
    pub fn health(&self) -> Result<String, ExternalError> {
        let endpoint = Endpoint::parse(&self.url)?;
        let url = format!("{}/health", endpoint.base);
        let response = self
            .agent(&endpoint)
            .get(&url)
            .header("Accept", "application/json")
            .call()
            .map_err(|e| self.map_ureq(&endpoint, e, true))?;
        let body = self.read_answer(&endpoint, response, MAX_HEALTH_BYTES)?;
        let json = parse_json(&endpoint.shown, &body)?;
        health_from_json(&endpoint.shown, &json)
    }

    /// Sends `tasks` to `POST {url}/predict` and returns the regions proposed
    /// for each, in char offsets. No tasks: no request, empty answer.
    pub fn predict(&self, tasks: &[Task<'_>]) -> Result<Predictions, ExternalError> {
        self.predict_limited(tasks, MAX_ANSWER_BYTES)
    }

    fn predict_limited(
        &self,
        tasks: &[Task<'_>],
        limit: u64,
    ) -> Result<Predictions, ExternalError> {
        let endpoint = Endpoint::parse(&self.url)?;
        if tasks.is_empty() {
            return Ok(Predictions::default());
        }
        let request = PredictRequest {
            tasks: tasks
                .iter()
                .map(|t| TaskJson {
                    id: t.id,
                    data: TaskData { text: t.text },
                })
                .collect(),
            label_config: &self.label_config,
            project: PROJECT,
        };
        let url = format!("{}/predict", endpoint.base);
        let response = self
            .agent(&endpoint)
            .post(&url)
            .header("Accept", "application/json")
            .send_json(&request)
            .map_err(|e| self.map_ureq(&endpoint, e, true))?;
        let body = self.read_answer(&endpoint, response, limit)?;
        parse_predictions(&endpoint.shown, &body, tasks)
    }

    fn agent(&self, endpoint: &Endpoint) -> ureq::Agent {
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .user_agent(USER_AGENT);
        if endpoint.loopback {
            config = config.proxy(None);
        }
        config.build().into()
    }

    /// The body of a 2xx answer, read with `limit`; other statuses become
    /// [`ExternalError::Status`].
    fn read_answer(
        &self,
        endpoint: &Endpoint,
        mut response: Response,
        limit: u64,
    ) -> Result<Vec<u8>, ExternalError> {
        let code = response.status().as_u16();
        if !response.status().is_success() {
            let mut raw = Vec::new();
            // Whatever arrived before an error is enough to quote.
            let _ = response
                .body_mut()
                .as_reader()
                .take(MAX_ERROR_BODY_BYTES)
                .read_to_end(&mut raw);
            return Err(ExternalError::Status {
                url: endpoint.shown.clone(),
                code,
                body: quote_error_body(&raw),
            });
        }
        let too_large = || ExternalError::TooLarge {
            url: endpoint.shown.clone(),
            limit,
        };
        let declared = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => too_large(),
                e => self.map_ureq(endpoint, e, false),
            })
    }

    /// `before_answer`: the error came before any answer arrived (while
    /// resolving, connecting or sending), so I/O failures there mean the
    /// server cannot be reached, except those that show a server that
    /// accepted the connection and then broke it.
    fn map_ureq(
        &self,
        endpoint: &Endpoint,
        error: ureq::Error,
        before_answer: bool,
    ) -> ExternalError {
        use std::io::ErrorKind;
        let url = endpoint.shown.clone();
        match error {
            ureq::Error::Timeout(_) => ExternalError::Timeout {
                url,
                timeout: self.timeout,
            },
            ureq::Error::Io(e) if e.kind() == ErrorKind::TimedOut => ExternalError::Timeout {
                url,
                timeout: self.timeout,
            },
            ureq::Error::HostNotFound => ExternalError::Unreachable {
                url,
                detail: "no such host".to_string(),
            },
            ureq::Error::ConnectionFailed => ExternalError::Unreachable {
                url,
                detail: "connection failed".to_string(),
            },
            // DNS failures arrive as an uncategorised I/O error, hence the
            // list of kinds that are *not* "unreachable".
            ureq::Error::Io(e)
                if before_answer
                    && !matches!(
                        e.kind(),
                        ErrorKind::UnexpectedEof
                            | ErrorKind::ConnectionReset
                            | ErrorKind::ConnectionAborted
                            | ErrorKind::BrokenPipe
                            | ErrorKind::InvalidData
                    ) =>
            {
                ExternalError::Unreachable {
                    url,
                    detail: e.to_string(),
                }
            }
            ureq::Error::BadUri(detail) => ExternalError::BadUrl {
                url,
                reason: detail,
            },
            ureq::Error::BodyExceedsLimit(limit) => ExternalError::TooLarge { url, limit },
            e => ExternalError::Transport {
                url,
                detail: e.to_string(),
            },
        }
    }
}

/// What to quote from an error answer: Label Studio's `detail` if the body
/// is its error JSON, else the body's start.
fn quote_error_body(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let detail = serde_json::from_str::<Value>(&text).ok().and_then(|v| {
        v.get("detail")
            .and_then(Value::as_str)
            .filter(|d| !d.trim().is_empty())
            .map(str::to_string)
    });
    let quoted = detail.unwrap_or_else(|| text.into_owned());
    let quoted = quoted.trim();
    if quoted.is_empty() {
        return "(empty answer)".to_string();
    }
    clip(quoted, QUOTED_CHARS)
}

/// The first `max` chars of `s` with control characters shown as spaces,
/// and `…` if it was cut.
fn clip(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn parse_json(url: &str, body: &[u8]) -> Result<Value, ExternalError> {
    serde_json::from_slice(body).map_err(|e| {
        let start = clip(String::from_utf8_lossy(body).trim(), 60);
        ExternalError::NotJson {
            url: url.to_string(),
            detail: if start.is_empty() {
                "the answer is empty".to_string()
            } else {
                format!("{e}; the answer starts with {start:?}")
            },
        }
    })
}

fn health_from_json(url: &str, json: &Value) -> Result<String, ExternalError> {
    let bad = |detail: &str| ExternalError::BadShape {
        url: url.to_string(),
        detail: detail.to_string(),
    };
    if !json.is_object() {
        return Err(bad("the /health answer is not a JSON object"));
    }
    let status = json.get("status").and_then(Value::as_str);
    if let Some(status) = status
        && !status.eq_ignore_ascii_case("UP")
    {
        return Err(ExternalError::NotUp {
            url: url.to_string(),
            status: status.to_string(),
        });
    }
    let model_class = json
        .get("model_class")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty());
    model_class
        .or(status)
        .map(str::to_string)
        .ok_or_else(|| bad("the /health answer has neither \"status\" nor \"model_class\""))
}

/// Turns a `/predict` answer into [`Predictions`] for `tasks`.
fn parse_predictions(
    url: &str,
    body: &[u8],
    tasks: &[Task<'_>],
) -> Result<Predictions, ExternalError> {
    let bad = |detail: String| ExternalError::BadShape {
        url: url.to_string(),
        detail,
    };
    let json = parse_json(url, body)?;
    let (list, top_version) = match &json {
        Value::Array(list) => (list, None),
        Value::Object(map) => {
            let list = match (map.get("results"), map.get("predictions")) {
                (Some(Value::Array(list)), _) | (None, Some(Value::Array(list))) => list,
                (Some(other), _) => {
                    return Err(bad(format!(
                        "\"results\" is {}, expected a list of predictions",
                        kind(other)
                    )));
                }
                (None, _) => {
                    return Err(bad(
                        "the answer has no \"results\" list of predictions".to_string()
                    ));
                }
            };
            (list, map.get("model_version").and_then(version_string))
        }
        other => {
            return Err(bad(format!(
                "the answer is {}, expected an object with a \"results\" list",
                kind(other)
            )));
        }
    };
    if list.len() != tasks.len() {
        return Err(ExternalError::WrongCount {
            url: url.to_string(),
            expected: tasks.len(),
            got: list.len(),
        });
    }

    let mut out = Predictions {
        per_task: Vec::with_capacity(tasks.len()),
        dropped: 0,
        model_version: top_version,
    };
    for (i, (entry, task)) in list.iter().zip(tasks).enumerate() {
        let prediction = match entry {
            Value::Null => None,
            // Several predictions for one task: Accord wants one, so the first.
            Value::Array(several) => several.first().filter(|p| !p.is_null()),
            single => Some(single),
        };
        let Some(prediction) = prediction else {
            out.per_task.push(Vec::new());
            continue;
        };
        let Some(prediction) = prediction.as_object() else {
            return Err(bad(format!(
                "results[{i}] is {}, expected a prediction object",
                kind(prediction)
            )));
        };
        if out.model_version.is_none() {
            out.model_version = prediction.get("model_version").and_then(version_string);
        }
        let regions = match prediction.get("result") {
            Some(Value::Array(regions)) => regions.as_slice(),
            Some(Value::Null) => &[],
            Some(other) => {
                return Err(bad(format!(
                    "results[{i}].result is {}, expected a list of regions",
                    kind(other)
                )));
            }
            None => {
                return Err(bad(format!(
                    "results[{i}] has no \"result\" list of regions"
                )));
            }
        };
        let prediction_score = prediction.get("score").and_then(finite_score);
        let mut text = TextIndex::new(task.text);
        let mut kept = Vec::new();
        for region in regions {
            match read_region(region, prediction_score, &mut text) {
                RegionOutcome::Keep(region) => kept.push(region),
                RegionOutcome::Ignore => {}
                RegionOutcome::Drop => out.dropped += 1,
            }
        }
        out.per_task.push(kept);
    }
    Ok(out)
}

enum RegionOutcome {
    Keep(Region),
    /// Not a text-span label (e.g. `choices`) or no label: not counted.
    Ignore,
    /// A `labels` region that cannot be placed: counted in `dropped`.
    Drop,
}

fn read_region(
    region: &Value,
    prediction_score: Option<f32>,
    text: &mut TextIndex,
) -> RegionOutcome {
    let Some(region) = region.as_object() else {
        return RegionOutcome::Drop;
    };
    let is_labels = region
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("labels"));
    if !is_labels {
        return RegionOutcome::Ignore;
    }
    let Some(value) = region.get("value").and_then(Value::as_object) else {
        return RegionOutcome::Drop;
    };
    // Accord's spans carry one label: of several, the first is taken.
    let label = match value.get("labels").and_then(Value::as_array) {
        None => return RegionOutcome::Ignore,
        Some(labels) => match labels.first() {
            None => return RegionOutcome::Ignore,
            Some(Value::String(label)) if label.trim().is_empty() => {
                return RegionOutcome::Ignore;
            }
            Some(Value::String(label)) => label.clone(),
            Some(_) => return RegionOutcome::Drop,
        },
    };
    let (Some(start), Some(end)) = (
        value.get("start").and_then(offset),
        value.get("end").and_then(offset),
    ) else {
        return RegionOutcome::Drop;
    };
    let expected = value.get("text").and_then(Value::as_str);
    let Some((start, end)) = text.place(start, end, expected) else {
        return RegionOutcome::Drop;
    };
    let score = region
        .get("score")
        .and_then(finite_score)
        .or(prediction_score)
        .unwrap_or(1.0);
    RegionOutcome::Keep(Region {
        start,
        end,
        label,
        score,
    })
}

/// A non-negative integer offset; `5.0` is accepted, `5.5` and `-1` are not.
fn offset(v: &Value) -> Option<usize> {
    if let Some(n) = v.as_u64() {
        return usize::try_from(n).ok();
    }
    let f = v.as_f64()?;
    if f >= 0.0 && f.fract() == 0.0 && f <= u32::MAX as f64 {
        Some(f as usize)
    } else {
        None
    }
}

fn finite_score(v: &Value) -> Option<f32> {
    v.as_f64().map(|f| f as f32).filter(|f| f.is_finite())
}

fn version_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Char and UTF-16 positions of one task's text, built on first use.
struct TextIndex<'t> {
    text: &'t str,
    /// Byte offset of each char, then `text.len()`.
    char_bytes: Vec<usize>,
    /// UTF-16 offset of each char, then the UTF-16 length. Empty until a
    /// UTF-16 reading is needed.
    char_utf16: Vec<usize>,
}

impl<'t> TextIndex<'t> {
    fn new(text: &'t str) -> TextIndex<'t> {
        TextIndex {
            text,
            char_bytes: Vec::new(),
            char_utf16: Vec::new(),
        }
    }

    fn chars(&mut self) -> &[usize] {
        if self.char_bytes.is_empty() {
            self.char_bytes = self
                .text
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(self.text.len()))
                .collect();
        }
        &self.char_bytes
    }

    fn char_count(&mut self) -> usize {
        self.chars().len() - 1
    }

    /// The slice between two char offsets (both `<= char_count()`).
    fn slice(&mut self, start: usize, end: usize) -> &'t str {
        let text = self.text;
        let bytes = self.chars();
        &text[bytes[start]..bytes[end]]
    }

    /// The char offset at a UTF-16 offset, if that is a char boundary.
    fn char_at_utf16(&mut self, unit: usize) -> Option<usize> {
        if self.char_utf16.is_empty() {
            let mut at = 0;
            let mut units = Vec::with_capacity(self.text.len() + 1);
            for c in self.text.chars() {
                units.push(at);
                at += c.len_utf16();
            }
            units.push(at);
            self.char_utf16 = units;
        }
        self.char_utf16.binary_search(&unit).ok()
    }

    /// Char offsets for a region, following the rules in the module docs.
    fn place(
        &mut self,
        start: usize,
        end: usize,
        expected: Option<&str>,
    ) -> Option<(usize, usize)> {
        if end <= start {
            return None;
        }
        let as_chars = (end <= self.char_count()).then_some((start, end));
        let Some(expected) = expected else {
            return as_chars;
        };
        if let Some((s, e)) = as_chars
            && self.slice(s, e) == expected
        {
            return Some((s, e));
        }
        let s = self.char_at_utf16(start)?;
        let e = self.char_at_utf16(end)?;
        (self.slice(s, e) == expected).then_some((s, e))
    }
}

#[cfg(test)]
#[path = "test_server.rs"]
pub(crate) mod test_server;

#[cfg(test)]
mod tests {
    use super::test_server::{Behaviour, TestServer};
    use super::*;
    use std::time::Instant;

    fn backend(url: &str) -> Backend {
        Backend {
            url: url.to_string(),
            timeout: Duration::from_secs(5),
            label_config: label_config(&["PER", "LOC"]),
        }
    }

    fn slice(text: &str, r: &Region) -> String {
        text.chars().skip(r.start).take(r.end - r.start).collect()
    }

    fn echo(needle: &str) -> TestServer {
        TestServer::start(Behaviour::Echo {
            label: "PER".into(),
            needle: needle.into(),
        })
        .expect("start test server")
    }

    #[test]
    fn health_reports_model_class() {
        let server = echo("x");
        let answer = backend(&server.url).health().expect("health");
        assert_eq!(answer, "EchoBackend");
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].method, "GET");
        assert_eq!(requests[0].path, "/health");
    }

    #[test]
    fn trailing_slash_and_spaces_are_fine() {
        let server = echo("x");
        let b = backend(&format!("  {}/ ", server.url));
        assert_eq!(b.health().expect("health"), "EchoBackend");
        let p = b.predict(&[Task { id: 1, text: "axb" }]).expect("predict");
        assert_eq!(p.per_task[0].len(), 1);
        assert_eq!(server.requests()[1].path, "/predict");
    }

    #[test]
    fn health_status_only_and_not_up() {
        assert_eq!(
            health_from_json("u", &serde_json::json!({"status": "UP"})).expect("up"),
            "UP"
        );
        let server = TestServer::start(Behaviour::Fixed {
            status: 200,
            body: r#"{"status": "LOADING"}"#.into(),
        })
        .expect("start");
        let err = backend(&server.url).health().expect_err("not up");
        assert!(matches!(err, ExternalError::NotUp { ref status, .. } if status == "LOADING"));
        assert!(
            health_from_json("u", &serde_json::json!({"ok": true})).is_err(),
            "no status nor model_class"
        );
    }

    #[test]
    fn predict_sends_label_studio_request() {
        let server = echo("x");
        let b = backend(&server.url);
        b.predict(&[Task { id: 7, text: "x" }, Task { id: 9, text: "y" }])
            .expect("predict");
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let r = &requests[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/predict");
        assert!(
            r.header("content-type")
                .is_some_and(|v| v.starts_with("application/json"))
        );
        let json = r.json().expect("json body");
        assert_eq!(
            json["tasks"],
            serde_json::json!([
                {"id": 7, "data": {"text": "x"}},
                {"id": 9, "data": {"text": "y"}},
            ])
        );
        assert_eq!(json["label_config"], b.label_config.as_str());
        assert_eq!(json["project"], "accord");
    }

    #[test]
    fn predict_multilingual_char_offsets() {
        let texts = [
            ("مرحبا يا أحمد، كيف حالك يا أحمد؟", "أحمد"),
            ("我叫李明，李明住在北京。", "李明"),
            ("Менің атым Әлия, Әлия Алматыда тұрады.", "Әлия"),
        ];
        for (text, needle) in texts {
            let server = echo(needle);
            let p = backend(&server.url)
                .predict(&[
                    Task { id: 1, text },
                    Task {
                        id: 2,
                        text: "none here",
                    },
                ])
                .expect("predict");
            assert_eq!(p.dropped, 0, "{text}");
            assert_eq!(p.model_version.as_deref(), Some("echo-1"));
            assert_eq!(p.per_task.len(), 2);
            assert_eq!(p.per_task[0].len(), 2, "{text}");
            assert!(p.per_task[1].is_empty());
            for r in &p.per_task[0] {
                assert_eq!(slice(text, r), needle);
                assert_eq!(r.label, "PER");
                assert!((r.score - 0.9).abs() < 1e-6);
            }
            assert!(p.per_task[0][0].start < p.per_task[0][1].start);
        }
        // The Chinese offsets, spelled out: 我叫李明，李明…
        let server = echo("李明");
        let p = backend(&server.url)
            .predict(&[Task {
                id: 1,
                text: "我叫李明，李明住在北京。",
            }])
            .expect("predict");
        let spans: Vec<_> = p.per_task[0].iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(spans, vec![(2, 4), (5, 7)]);
    }

    #[test]
    fn utf16_offsets_are_corrected() {
        let text = "Hi 😀👍🏽 Anna and 𝔸 Anna";
        let server = TestServer::start(Behaviour::Utf16Offsets {
            label: "PER".into(),
            needle: "Anna".into(),
        })
        .expect("start");
        let p = backend(&server.url)
            .predict(&[Task { id: 1, text }])
            .expect("predict");
        assert_eq!(p.dropped, 0);
        assert_eq!(p.per_task[0].len(), 2);
        for r in &p.per_task[0] {
            assert_eq!(slice(text, r), "Anna");
        }
        // The server sent UTF-16 offsets (10, 14) and (22, 26).
        let spans: Vec<_> = p.per_task[0].iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(spans, vec![(7, 11), (18, 22)]);
    }

    #[test]
    fn offsets_rules() {
        let text = "😀 Anna";
        let mut idx = TextIndex::new(text);
        // chars reading matches
        assert_eq!(idx.place(2, 6, Some("Anna")), Some((2, 6)));
        // UTF-16 reading matches
        assert_eq!(idx.place(3, 7, Some("Anna")), Some((2, 6)));
        // neither matches
        assert_eq!(idx.place(2, 6, Some("Bob")), None);
        // no text: chars
        assert_eq!(idx.place(3, 6, None), Some((3, 6)));
        // out of range / empty / inside a surrogate pair
        assert_eq!(idx.place(3, 7, None), None);
        assert_eq!(idx.place(4, 4, None), None);
        assert_eq!(idx.place(5, 2, None), None);
        assert_eq!(idx.char_at_utf16(1), None);
        assert_eq!(idx.char_at_utf16(2), Some(1));
        assert_eq!(idx.place(1, 7, Some("\u{fffd} Anna")), None);
        // empty text
        assert_eq!(TextIndex::new("").place(0, 1, None), None);
    }

    #[test]
    fn shapes_scores_and_drops() {
        let tasks = [Task {
            id: 1,
            text: "Anna met Bob",
        }];
        // Bare list; region score falls back to the prediction's, then 1.0.
        let body = br#"[{"model_version": 3, "score": 0.5, "result": [
            {"type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
            {"type": "Labels", "value": {"start": 9, "end": 12, "text": "Bob", "labels": ["PER", "X"]}, "score": 0.25},
            {"type": "choices", "value": {"choices": ["pos"]}},
            {"type": "labels", "value": {"start": 0, "end": 4, "labels": []}},
            {"type": "labels", "value": {"start": 0, "end": 4, "text": "Bob", "labels": ["PER"]}},
            {"type": "labels", "value": {"start": 10, "end": 99, "labels": ["PER"]}},
            {"type": "labels", "value": {"start": 4, "end": 4, "labels": ["PER"]}},
            {"type": "labels", "value": {"start": -1, "end": 4, "labels": ["PER"]}},
            {"type": "labels", "value": {"labels": ["PER"]}},
            "nonsense"
        ]}]"#;
        let p = parse_predictions("u", body, &tasks).expect("parse");
        assert_eq!(p.model_version.as_deref(), Some("3"));
        assert_eq!(
            p.per_task,
            vec![vec![
                Region {
                    start: 0,
                    end: 4,
                    label: "PER".into(),
                    score: 0.5
                },
                Region {
                    start: 9,
                    end: 12,
                    label: "PER".into(),
                    score: 0.25
                },
            ]]
        );
        assert_eq!(p.dropped, 6);

        let no_score = br#"{"results": [{"result": [
            {"type": "labels", "value": {"start": 4, "end": 7, "text": " me", "labels": ["V"]}}
        ]}]}"#;
        let p = parse_predictions("u", no_score, &tasks).expect("parse");
        assert_eq!(p.per_task[0][0].score, 1.0);
        assert_eq!(p.model_version, None);

        // null prediction, a list of predictions for a task, "predictions" key
        let two = [Task { id: 1, text: "ab" }, Task { id: 2, text: "cd" }];
        let body = br#"{"model_version": "top", "predictions": [null, [
            {"result": [{"type": "labels", "value": {"start": 0, "end": 1, "labels": ["A"]}}]},
            {"result": []}
        ]]}"#;
        let p = parse_predictions("u", body, &two).expect("parse");
        assert_eq!(p.model_version.as_deref(), Some("top"));
        assert!(p.per_task[0].is_empty());
        assert_eq!(p.per_task[1].len(), 1);
    }

    #[test]
    fn bad_shapes() {
        let tasks = [Task { id: 1, text: "a" }];
        for (body, needle) in [
            (&br#"{"results": {"a": 1}}"#[..], "\"results\" is an object"),
            (br#"{"detail": "x"}"#, "no \"results\""),
            (br#""hello""#, "the answer is a string"),
            (br#"{"results": [5]}"#, "results[0] is a number"),
            (
                br#"{"results": [{"score": 1}]}"#,
                "results[0] has no \"result\"",
            ),
            (
                br#"{"results": [{"result": "x"}]}"#,
                "results[0].result is a string",
            ),
        ] {
            let err = parse_predictions("http://h", body, &tasks).expect_err("bad shape");
            assert!(
                matches!(err, ExternalError::BadShape { ref detail, .. } if detail.contains(needle)),
                "{err}"
            );
        }
        let err = parse_predictions("http://h", b"", &tasks).expect_err("empty");
        assert!(err.to_string().contains("the answer is empty"), "{err}");
    }

    #[test]
    fn garbage_is_not_json() {
        let server = TestServer::start(Behaviour::Garbage).expect("start");
        let err = backend(&server.url)
            .predict(&[Task { id: 1, text: "a" }])
            .expect_err("garbage");
        assert!(matches!(err, ExternalError::NotJson { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(&server.url), "{msg}");
        assert!(msg.contains("<html>"), "{msg}");
        let err = backend(&server.url).health().expect_err("garbage");
        assert!(matches!(err, ExternalError::NotJson { .. }), "{err:?}");
    }

    #[test]
    fn status_500_quotes_detail() {
        let server = TestServer::start(Behaviour::Status500).expect("start");
        let err = backend(&server.url)
            .predict(&[Task { id: 1, text: "a" }])
            .expect_err("500");
        match &err {
            ExternalError::Status { code, body, url } => {
                assert_eq!(*code, 500);
                assert_eq!(body, "ValueError: the test server was told to fail");
                assert_eq!(url, &server.url);
            }
            other => panic!("expected Status, got {other:?}"),
        }
        assert!(err.to_string().contains(&server.url));
        let err = backend(&server.url).health().expect_err("500");
        assert!(matches!(err, ExternalError::Status { code: 500, .. }));
    }

    #[test]
    fn error_body_is_clipped() {
        let long = "x".repeat(1000);
        let quoted = quote_error_body(long.as_bytes());
        assert_eq!(quoted.chars().count(), QUOTED_CHARS + 1);
        assert!(quoted.ends_with('…'));
        assert_eq!(quote_error_body(b""), "(empty answer)");
    }

    #[test]
    fn silent_server_times_out() {
        let server = TestServer::start(Behaviour::Silent).expect("start");
        let mut b = backend(&server.url);
        b.timeout = Duration::from_millis(300);
        let started = Instant::now();
        let err = b.predict(&[Task { id: 1, text: "a" }]).expect_err("silent");
        let took = started.elapsed();
        assert!(matches!(err, ExternalError::Timeout { .. }), "{err:?}");
        assert!(took < Duration::from_secs(2), "took {took:?}");
        assert!(took >= Duration::from_millis(250), "took {took:?}");
        let msg = err.to_string();
        assert!(msg.contains("within 0.3 s"), "{msg}");
        assert!(msg.contains(&server.url), "{msg}");
        let started = Instant::now();
        let err = b.health().expect_err("silent");
        assert!(matches!(err, ExternalError::Timeout { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn dead_port_is_unreachable() {
        let url = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            format!("http://{}", listener.local_addr().expect("addr"))
        };
        let started = Instant::now();
        let err = backend(&url).health().expect_err("dead");
        assert!(matches!(err, ExternalError::Unreachable { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("cannot reach the suggestion server at {url}")));
        assert!(msg.contains("start it or fix the URL"), "{msg}");
    }

    #[test]
    fn wrong_count() {
        let server = TestServer::start(Behaviour::WrongCount).expect("start");
        let err = backend(&server.url)
            .predict(&[Task { id: 1, text: "a" }, Task { id: 2, text: "b" }])
            .expect_err("wrong count");
        assert!(
            matches!(
                err,
                ExternalError::WrongCount {
                    expected: 2,
                    got: 3,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("returned 3 predictions for 2 texts instead of one per text"),
            "{err}"
        );
    }

    #[test]
    fn io_errors_before_and_after_the_answer() {
        let endpoint = Endpoint::parse("http://ml.example:9090").expect("parse");
        let b = backend("http://ml.example:9090");
        // What a failed DNS lookup looks like (an uncategorised I/O error).
        let dns = std::io::Error::other("failed to lookup address information");
        let err = b.map_ureq(&endpoint, ureq::Error::Io(dns), true);
        assert!(matches!(err, ExternalError::Unreachable { .. }), "{err:?}");
        let eof = || std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        let err = b.map_ureq(&endpoint, ureq::Error::Io(eof()), true);
        assert!(matches!(err, ExternalError::Transport { .. }), "{err:?}");
        let err = b.map_ureq(&endpoint, ureq::Error::Io(eof()), false);
        assert!(matches!(err, ExternalError::Transport { .. }), "{err:?}");
        let err = b.map_ureq(&endpoint, ureq::Error::HostNotFound, true);
        assert!(matches!(err, ExternalError::Unreachable { .. }), "{err:?}");
    }

    #[test]
    fn too_large() {
        let body = format!(
            r#"{{"results": [{{"result": [], "pad": "{}"}}]}}"#,
            "x".repeat(4096)
        );
        let server = TestServer::start(Behaviour::Fixed { status: 200, body }).expect("start");
        let b = backend(&server.url);
        let err = b
            .predict_limited(&[Task { id: 1, text: "a" }], 1024)
            .expect_err("too large");
        assert!(
            matches!(err, ExternalError::TooLarge { limit: 1024, .. }),
            "{err:?}"
        );
        let p = b
            .predict(&[Task { id: 1, text: "a" }])
            .expect("under the real limit");
        assert_eq!(p.per_task, vec![Vec::new()]);

        // Without Content-Length the limit is enforced while reading.
        let body = format!(
            r#"{{"results": [{{"result": [], "pad": "{}"}}]}}"#,
            "x".repeat(4096)
        );
        let server = TestServer::start(Behaviour::NoLength { body }).expect("start");
        let b = backend(&server.url);
        let err = b
            .predict_limited(&[Task { id: 1, text: "a" }], 1024)
            .expect_err("too large");
        assert!(
            matches!(err, ExternalError::TooLarge { limit: 1024, .. }),
            "{err:?}"
        );
        let p = b
            .predict(&[Task { id: 1, text: "a" }])
            .expect("under the real limit");
        assert_eq!(p.per_task, vec![Vec::new()]);
    }

    #[test]
    fn non_http_urls_refused_before_connecting() {
        for url in [
            "ftp://localhost:9090",
            "file:///etc/passwd",
            "localhost:9090",
            "",
            "   ",
            "http://",
            "http://:9090",
            "http://host/?x=1",
        ] {
            let b = backend(url);
            let err = b.health().expect_err("bad url");
            assert!(
                matches!(err, ExternalError::BadUrl { .. }),
                "{url}: {err:?}"
            );
            let err = b
                .predict(&[Task { id: 1, text: "a" }])
                .expect_err("bad url");
            assert!(
                matches!(err, ExternalError::BadUrl { .. }),
                "{url}: {err:?}"
            );
            assert!(err.to_string().contains("http:// or https://"));
        }
        assert!(Endpoint::parse("HTTPS://example.org/ml/").is_ok());
    }

    #[test]
    fn endpoint_details() {
        let e = Endpoint::parse("http://user:secret@127.0.0.1:9090/").expect("parse");
        assert_eq!(e.base, "http://user:secret@127.0.0.1:9090");
        assert_eq!(e.shown, "http://user:***@127.0.0.1:9090");
        assert!(e.loopback);
        assert!(Endpoint::parse("http://[::1]:9090").expect("v6").loopback);
        assert!(
            Endpoint::parse("http://LocalHost:9090")
                .expect("lh")
                .loopback
        );
        assert!(
            !Endpoint::parse("https://ml.example.org")
                .expect("remote")
                .loopback
        );
        assert_eq!(mask_password("http://user@h/p"), "http://user@h/p");
        assert_eq!(mask_password("http://a:b@h/p@q"), "http://a:***@h/p@q");
    }

    #[test]
    fn url_credentials_become_basic_auth() {
        let server = echo("x");
        let with_auth = server.url.replacen("http://", "http://user:pw@", 1);
        backend(&with_auth).health().expect("health");
        let requests = server.requests();
        assert_eq!(
            requests[0].header("authorization"),
            Some("Basic dXNlcjpwdw==")
        );
    }

    #[test]
    fn empty_task_list_makes_no_request() {
        let server = echo("x");
        let p = backend(&server.url).predict(&[]).expect("empty");
        assert_eq!(p, Predictions::default());
        assert!(server.requests().is_empty());
    }

    #[test]
    fn label_config_escapes() {
        assert_eq!(
            label_config(&["PER", "A<B", "R&D", "say \"hi\"", "it's", "x>y"]),
            concat!(
                r#"<View><Labels name="label" toName="text">"#,
                r#"<Label value="PER"/>"#,
                r#"<Label value="A&lt;B"/>"#,
                r#"<Label value="R&amp;D"/>"#,
                r#"<Label value="say &quot;hi&quot;"/>"#,
                r#"<Label value="it&apos;s"/>"#,
                r#"<Label value="x&gt;y"/>"#,
                r#"</Labels><Text name="text" value="$text"/></View>"#
            )
        );
        assert_eq!(
            label_config(&["a\tb\u{1}", "ШЕКАРА"]),
            concat!(
                r#"<View><Labels name="label" toName="text">"#,
                r#"<Label value="a&#9;b"/><Label value="ШЕКАРА"/>"#,
                r#"</Labels><Text name="text" value="$text"/></View>"#
            )
        );
        assert_eq!(
            label_config(&[]),
            r#"<View><Labels name="label" toName="text"></Labels><Text name="text" value="$text"/></View>"#
        );
    }

    #[test]
    fn backend_new_defaults() {
        let b = Backend::new("http://localhost:9090", &["PER"]);
        assert_eq!(b.timeout, DEFAULT_TIMEOUT);
        assert_eq!(b.label_config, label_config(&["PER"]));
    }
}
