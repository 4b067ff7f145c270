//! "Cancel" while Shopdesk waits for the browser to finish a mailbox sign-in (it would otherwise
//! wait up to five minutes): the waiting command ends at once with a sentence, and the sign-in's
//! loopback listener closes, so a late answer from the browser changes nothing.

use std::future::Future;
use std::sync::Mutex;

use tokio::sync::watch;

use crate::error::{shell_error, CommandError};

/// The cancel switch of the sign-in that waits, if one does, with its number.
#[derive(Default)]
pub struct SignIns(Mutex<(u64, Option<watch::Sender<bool>>)>);

impl SignIns {
    /// Runs `sign_in` until it ends or [`SignIns::cancel`] is called. A new sign-in replaces
    /// the switch of an earlier one (only one sign-in page is waited for at a time).
    pub async fn run<T>(
        &self,
        sign_in: impl Future<Output = Result<T, CommandError>>,
    ) -> Result<T, CommandError> {
        let (switch, mut cancelled) = watch::channel(false);
        let number = {
            let mut current = self.0.lock().unwrap_or_else(|p| p.into_inner());
            current.0 += 1;
            current.1 = Some(switch);
            current.0
        };
        let result = tokio::select! {
            result = sign_in => result,
            _ = cancelled.wait_for(|stop| *stop) => Err(shell_error(
                "signInCancelled",
                "Sign-in cancelled; nothing was saved. Sign in again, or use an app password."
                    .to_string(),
            )),
        };
        let mut current = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if current.0 == number {
            current.1 = None;
        }
        result
    }

    /// Ends the waiting sign-in; `false` when none waits.
    pub fn cancel(&self) -> bool {
        let current = self.0.lock().unwrap_or_else(|p| p.into_inner());
        current
            .1
            .as_ref()
            .map(|switch| switch.send_replace(true))
            .is_some()
    }
}

#[tauri::command]
pub fn cancel_mailbox_sign_in(sign_ins: tauri::State<'_, SignIns>) -> bool {
    sign_ins.cancel()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn cancel_ends_the_waiting_sign_in_and_only_it() {
        let sign_ins = Arc::new(SignIns::default());
        assert!(!sign_ins.cancel(), "nothing waits yet");
        let waiting = {
            let sign_ins = Arc::clone(&sign_ins);
            tokio::spawn(async move {
                sign_ins
                    .run(async {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Ok(())
                    })
                    .await
            })
        };
        // Cancel as soon as the sign-in has registered its switch.
        while !sign_ins.cancel() {
            tokio::task::yield_now().await;
        }
        let error = tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .expect("the cancelled sign-in ends")
            .expect("the task ran")
            .expect_err("a cancelled sign-in is an error");
        assert!(
            format!("{error:?}").contains("Sign-in cancelled"),
            "{error:?}"
        );
        assert!(!sign_ins.cancel(), "the ended sign-in's switch is gone");
        // A sign-in that finishes by itself is untouched.
        assert_eq!(sign_ins.run(async { Ok(7) }).await.ok(), Some(7));
    }
}
