use std::process::Command;

fn run(db: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clientbase"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn end_to_end_against_a_temp_db() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let db = db.to_str().unwrap();

    let (ok, out, _) = run(
        db,
        &["phone", "normalize", "--country", "UA", "067 123 45 67"],
    );
    assert!(ok);
    assert!(
        out.starts_with("+380671234567  +380 67 123 4567  UA mobile"),
        "{out}"
    );
    let (ok, out, _) = run(
        db,
        &[
            "--json",
            "phone",
            "normalize",
            "--country",
            "RU",
            "8 (912) 345-67-89",
        ],
    );
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["e164"], "+79123456789");

    let (ok, id, _) = run(
        db,
        &[
            "add",
            "--first",
            "Алёна",
            "--last",
            "Семёнова",
            "--phone",
            "067 123 45 67",
            "--city",
            "Київ",
        ],
    );
    assert!(ok);
    let id = id.trim().to_owned();
    assert_eq!(id.len(), 36);
    let (ok, out, _) = run(
        db,
        &[
            "add",
            "--first",
            "X",
            "--last",
            "Y",
            "--phone",
            "0671234567",
        ],
    );
    assert!(ok);
    assert!(
        out.contains("possible duplicate of Семёнова Алёна"),
        "{out}"
    );
    let (ok, _, err) = run(db, &["add", "--first", "", "--last", ""]);
    assert!(!ok);
    assert!(err.contains("name_required"), "{err}");

    let (ok, out, _) = run(db, &["search", "семенова"]);
    assert!(ok);
    assert!(out.starts_with("1 found") && out.contains(&id), "{out}");
    let (ok, out, _) = run(db, &["search", "671234"]);
    assert!(out.starts_with("2 found"), "{ok} {out}");

    let (ok, out, _) = run(db, &["show", &id]);
    assert!(ok);
    assert!(
        out.contains("action: Call +380 67 123 4567 → tel:+380671234567"),
        "{out}"
    );
    let (ok, _, err) = run(db, &["show", "nope"]);
    assert!(!ok && err.contains("not_found"), "{err}");

    let (ok, out, _) = run(db, &["demo", "--clients", "300"]);
    assert!(ok);
    assert!(out.contains("demo clients: 300"), "{out}");
    let (ok, out, _) = run(db, &["--json", "stats"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["clients"], 302);
    let (ok, out, _) = run(db, &["search", "王秀英"]);
    assert!(ok && !out.starts_with("0 found"), "{out}");
    let (ok, out, _) = run(db, &["demo", "--clear"]);
    assert!(ok && out.contains("clients: 2"), "{out}");
}
