fn main() {
    // `generate_context!` embeds ../ui/dist into the binary; rebuild when a new UI build lands (new
    // hashed file names included), not only when a file it embedded before changes.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
