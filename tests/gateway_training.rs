//! The app's HTTP gateway against the real training service on loopback, and
//! against sockets that misbehave the ways networks do.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use chrono::NaiveDate;
use madoguchi_adapters::gateway::{Gateway, GatewayError};
use madoguchi_adapters::http::HttpGateway;
use madoguchi_core::codes::Validity;
use madoguchi_core::validation::{validate_card, CardInput};
use madoguchi_core::EligibilityQuery;

fn query_for(p: &common::Sample) -> EligibilityQuery {
    let card = validate_card(
        &CardInput {
            insurer_number: p.insurer_number.clone(),
            symbol: p.symbol.clone(),
            number: p.number.clone(),
            branch: p.branch.clone(),
            birth_date: p.birth_date.clone(),
        },
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    )
    .expect("sample card details are valid input");
    EligibilityQuery { card, confirmation_date: None, limit_certificate_consent: false }
}

#[test]
fn a_sampled_person_is_found_with_name_and_copay() {
    let service = common::TrainingService::start(2_000, 7);
    let gw = HttpGateway::new(&service.url, Duration::from_secs(5)).unwrap();
    let info = gw.info().unwrap();
    assert!(info.training);
    assert_eq!(info.people, 2_000);

    let people = service.sample(5);
    assert_eq!(people.len(), 5);
    let valid: Vec<_> = people.iter().filter(|p| p.expected_validity == "valid").collect();
    assert!(!valid.is_empty(), "the sample puts valid people first");
    for p in valid {
        let r = gw.check(&query_for(p)).unwrap();
        assert_eq!(r.validity, Validity::Valid, "{p:?}");
        let person = r.person.as_ref().expect("a found person");
        assert_eq!(person.name, p.name);
        assert_eq!(person.birth_date.to_string(), p.birth_date);
        let q = r.qualification.as_ref().unwrap();
        assert_eq!(q.insurer_number.as_str(), p.insurer_number);
        assert_eq!(q.insurer_name.as_deref(), Some(p.insurer_name.as_str()));
        assert_eq!(r.effective_copay().map(|c| c.0), p.copay_percent);
    }
}

#[test]
fn a_wrong_birth_date_is_not_found() {
    let service = common::TrainingService::start(2_000, 7);
    let gw = HttpGateway::new(&service.url, Duration::from_secs(5)).unwrap();
    let p = &service.sample(1)[0];
    let mut q = query_for(p);
    q.card.birth_date = q.card.birth_date.succ_opt().unwrap();
    let r = gw.check(&q).unwrap();
    assert_eq!(r.validity, Validity::NotFound);
    assert!(r.person.is_none(), "nothing about anyone is shown for a miss");
    assert!(r.qualification.is_none());
}

#[test]
fn nothing_listening_is_unreachable() {
    // A port this test holds, with no listener on it: it refuses connections.
    let refused = common::RefusedPort::hold();
    let gw = HttpGateway::new(&refused.url(), Duration::from_secs(2)).unwrap();
    let p = CardInput {
        insurer_number: "33120015".into(),
        symbol: "1".into(),
        number: "2".into(),
        branch: "00".into(),
        birth_date: "1980-01-01".into(),
    };
    let card = validate_card(&p, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap();
    let err = gw.check(&EligibilityQuery { card, confirmation_date: None, limit_certificate_consent: false }).unwrap_err();
    assert!(matches!(err, GatewayError::Unreachable { .. }), "{err:?}");
}

fn some_query() -> EligibilityQuery {
    let p = CardInput {
        insurer_number: "33120015".into(),
        symbol: "1".into(),
        number: "2".into(),
        branch: "00".into(),
        birth_date: "1980-01-01".into(),
    };
    let card = validate_card(&p, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap();
    EligibilityQuery { card, confirmation_date: None, limit_certificate_consent: false }
}

#[test]
fn a_service_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accept and then say nothing, for longer than the gateway waits.
    let hold = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(3));
        drop(conn);
    });
    let gw = HttpGateway::new(&url, Duration::from_secs(1)).unwrap();
    let started = std::time::Instant::now();
    let err = gw.check(&some_query()).unwrap_err();
    assert!(matches!(err, GatewayError::Timeout { seconds: 1, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "the gateway gave up on time");
    hold.join().unwrap();
}

/// A one-shot HTTP server that answers every request with `response`.
fn serve_once(response: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut buf = [0u8; 8192];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn an_unreadable_answer_is_a_bad_response() {
    let url = serve_once("HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 15\r\nconnection: close\r\n\r\n<html>hi</html>");
    let err = HttpGateway::new(&url, Duration::from_secs(2)).unwrap().check(&some_query()).unwrap_err();
    assert!(matches!(err, GatewayError::BadResponse { .. }), "{err:?}");
}

#[test]
fn a_service_error_keeps_its_code_and_message() {
    let body = r#"{"code":"E1001","message":"保守中です"}"#;
    let response: &'static str = Box::leak(
        format!("HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
            .into_boxed_str(),
    );
    let url = serve_once(response);
    let err = HttpGateway::new(&url, Duration::from_secs(2)).unwrap().check(&some_query()).unwrap_err();
    assert_eq!(err, GatewayError::Service { code: "E1001".into(), message: "保守中です".into() });
}

#[test]
fn the_training_service_refuses_a_malformed_body_with_json() {
    let service = common::TrainingService::start(500, 3);
    let client = reqwest::blocking::Client::new();
    let resp = client
        .post(format!("{}/api/v1/eligibility", service.url))
        .header("content-type", "application/json")
        .body("{\"card\": 12}")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let err: madoguchi_core::ServiceError = resp.json().unwrap();
    assert!(!err.code.is_empty() && !err.message.is_empty(), "{err:?}");
}
