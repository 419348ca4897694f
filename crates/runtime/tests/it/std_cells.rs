//! The standard cells and the sandbox fixtures, built from stdlib/cells by
//! the build and run as components: what each answers, what a cell sees of
//! the host (nothing), and every escape attempt failing.

use crate::common;

use std::time::Duration;

use http::{Request, StatusCode};
use runtime::cells::wagi::{self, CELL_HEADER, Wagi};
use runtime::cells::{CellHost, Ended, Limits, Mode, Run};
use runtime::std_cells::{self, fixtures};

fn host() -> CellHost {
    CellHost::new(None).expect("the engine starts")
}

fn run(mode: Mode, args: &[&str], stdin: &[u8], limits: Limits) -> Run {
    Run {
        mode: Some(mode),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        stdin: stdin.to_vec(),
        limits,
        ..Run::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_answers_json_over_wagi() {
    let host = host();
    let cell = host.load(std_cells::STATUS).unwrap();
    let response = wagi::serve(
        &host,
        &cell,
        Request::get("/status").body(Vec::new()).unwrap(),
        &Wagi::default(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()[CELL_HEADER], cell.cid.as_str());
    let body = String::from_utf8(response.into_body()).unwrap();
    assert!(
        body.contains(r#""status":"ok""#) && body.contains(r#""mode":"http""#),
        "{body}"
    );
    let post = wagi::serve(
        &host,
        &cell,
        Request::post("/status").body(Vec::new()).unwrap(),
        &Wagi::default(),
    )
    .await;
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_counts_from_the_query() {
    let host = host();
    let cell = host.load(std_cells::COUNTER).unwrap();
    let response = wagi::serve(
        &host,
        &cell,
        Request::get("/count?n=41").body(Vec::new()).unwrap(),
        &Wagi::default(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = String::from_utf8(response.into_body()).unwrap();
    assert!(body.contains(r#""count":42"#), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_copies_its_stream() {
    let host = host();
    let cell = host.load(std_cells::ECHO).unwrap();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let out = host
        .run(&cell, run(Mode::Raw, &[], &data, Limits::default()))
        .await
        .unwrap();
    assert_eq!(out.ended, Ended::Exit(0));
    assert!(out.stdout == data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cell_sees_its_arguments_and_mode_and_nothing_of_the_host() {
    let host = host();
    let cell = host.load(fixtures::ENVDUMP).unwrap();
    let out = host
        .run(
            &cell,
            run(Mode::Raw, &["one", "two"], b"", Limits::default()),
        )
        .await
        .unwrap();
    assert_eq!(out.ended, Ended::Exit(0));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed.trim(),
        format!(
            r#"{{"env":{{"WW_CELL_MODE":"raw"}},"args":["{}","one","two"]}}"#,
            cell.cid
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_component_exit_code_arrives_as_it_is() {
    let host = host();
    let cell = host.load(fixtures::ENVDUMP).unwrap();
    for code in [0, 1, 2, 3, 42, 255] {
        let arg = format!("exit={code}");
        let out = host
            .run(&cell, run(Mode::Raw, &[&arg], b"", Limits::default()))
            .await
            .unwrap();
        assert_eq!(out.ended, Ended::Exit(code), "exit={code}");
        assert!(out.stdout.ends_with(b"}\n"), "it printed before exiting");
    }
    let out = host
        .run(&cell, run(Mode::Raw, &["exit=256"], b"", Limits::default()))
        .await
        .unwrap();
    assert_eq!(out.ended, Ended::Exit(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not an exit code"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_escape_attempt_fails_and_is_reported() {
    let host = host();
    let cell = host.load(fixtures::ESCAPE).unwrap();
    let out = host
        .run(&cell, run(Mode::Raw, &[], b"", Limits::default()))
        .await
        .unwrap();
    assert_eq!(
        out.ended,
        Ended::Exit(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    for attempt in [
        "socket",
        "dns",
        "read-passwd",
        "list-root",
        "env-home",
        "env-path",
        "write-root",
        "write-dotdot",
    ] {
        let line = lines
            .iter()
            .find(|l| l.contains(&format!(r#""attempt":"{attempt}""#)))
            .unwrap_or_else(|| panic!("no report of {attempt}: {report}"));
        assert!(
            line.contains(r#""ok":false"#),
            "{attempt} got through: {line}"
        );
    }
    // The control: the private /tmp is writable.
    assert!(
        report
            .lines()
            .any(|l| l.contains(r#""attempt":"write-tmp""#) && l.contains(r#""ok":true"#)),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_and_cpu_limits_stop_a_cell_and_leave_the_host_healthy() {
    let host = host();
    let cell = host.load(fixtures::ESCAPE).unwrap();
    let limits = Limits {
        memory: 16 << 20,
        ..Limits::default()
    };
    let out = host
        .run(&cell, run(Mode::Raw, &["memory"], b"", limits))
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    // Either the cell saw its allocation fail (and said so) or it crashed
    // on it: never more than its limit.
    match out.ended {
        Ended::Exit(0) => assert!(
            report.contains(r#""attempt":"memory","ok":false"#),
            "{report}"
        ),
        other => assert_eq!(other, Ended::Memory, "{report}"),
    }
    let limits = Limits {
        cpu: Duration::from_millis(100),
        ..Limits::default()
    };
    let out = host
        .run(&cell, run(Mode::Raw, &["spin"], b"", limits))
        .await
        .unwrap();
    assert_eq!(out.ended, Ended::Cpu);
    // The host still serves.
    let status = host.load(std_cells::STATUS).unwrap();
    let response = wagi::serve(
        &host,
        &status,
        Request::get("/").body(Vec::new()).unwrap(),
        &Wagi::default(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_readable_and_read_only() {
    let host = host();
    let cell = host.load(fixtures::ESCAPE).unwrap();
    let dir = common::TempDir::new("image");
    let image = dir.0.clone();
    std::fs::create_dir_all(image.join("etc")).unwrap();
    std::fs::write(image.join("etc/passwd"), "cell:x:0:0::/:/bin/false\n").unwrap();
    let mut run = run(
        Mode::Raw,
        &["read-passwd", "write-root"],
        b"",
        Limits::default(),
    );
    run.image = Some(image.clone());
    let out = host.run(&cell, run).await.unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    // It reads the image's file (not the host's), and cannot write there.
    let read = report
        .lines()
        .find(|l| l.contains(r#""attempt":"read-passwd""#))
        .unwrap();
    assert!(
        read.contains(r#""ok":true"#) && read.contains(r#""bytes":25"#),
        "{read}"
    );
    let write = report
        .lines()
        .find(|l| l.contains(r#""attempt":"write-root""#))
        .unwrap();
    assert!(write.contains(r#""ok":false"#), "{write}");
    assert!(!image.join("escape-test").exists());
}
