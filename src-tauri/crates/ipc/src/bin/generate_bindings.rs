//! Regenerates `ui/src/ipc/bindings/` from the Rust types: `cargo run -p flowguard-ipc --bin
//! generate-bindings`. Old files are removed first, so a renamed type leaves nothing behind.

use std::process::ExitCode;

fn main() -> ExitCode {
    let directory = flowguard_ipc::repository_root().join(flowguard_ipc::BINDINGS_DIRECTORY);
    if directory.exists()
        && let Err(error) = std::fs::remove_dir_all(&directory)
    {
        eprintln!("cannot clear {}: {error}", directory.display());
        return ExitCode::FAILURE;
    }
    match flowguard_ipc::export_bindings(&directory) {
        Ok(files) => {
            println!(
                "wrote {} binding files to {}",
                files.len(),
                directory.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write the bindings: {error}");
            ExitCode::FAILURE
        }
    }
}
