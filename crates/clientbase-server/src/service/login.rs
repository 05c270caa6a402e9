//! Login (with the per-account lockout), the rotating refresh tokens and the sessions behind
//! access tokens.

use super::accounts::{parse_role, user_of};
use super::{now_ms, Service, Session};
use crate::auth;
use crate::db::{tx, Conn, Mode};
use crate::error::ServerError;
use clientbase_sync::{LoginRequest, LoginResponse, RefreshRequest};

/// Who calls: a session already authenticated, or a token to check in the same transaction.
#[derive(Clone, Copy)]
pub(super) enum Who<'a> {
    Session(&'a Session),
    Token(&'a str),
}

impl Service {
    fn issue_tokens(
        &self,
        c: &mut dyn Conn,
        device_id: &str,
    ) -> Result<(String, String), ServerError> {
        let access = auth::new_token();
        let refresh = auth::new_token();
        c.exec(
            "UPDATE devices SET access_hash = $1, access_expires_ms = $2 WHERE id = $3",
            &[
                auth::token_hash(&access).into(),
                (now_ms() + self.cfg.access_ttl_ms).into(),
                device_id.into(),
            ],
        )?;
        c.exec(
            "INSERT INTO refresh_tokens (hash, device_id, used, created_ms) VALUES ($1, $2, 0, $3)",
            &[
                auth::token_hash(&refresh).into(),
                device_id.into(),
                now_ms().into(),
            ],
        )?;
        Ok((access, refresh))
    }

    fn login_response(
        &self,
        c: &mut dyn Conn,
        device_id: &str,
        tokens: (String, String),
    ) -> Result<LoginResponse, ServerError> {
        let r = c
            .query_one(
                "SELECT u.id, u.login, u.name, u.role, u.disabled, co.id, co.name, d.last_seq \
                 FROM devices d JOIN users u ON u.id = d.user_id JOIN companies co ON co.id = d.company_id WHERE d.id = $1",
                &[device_id.into()],
            )?
            .ok_or(ServerError::Unauthorized)?;
        Ok(LoginResponse {
            user: user_of(&r)?,
            company_id: r.text(5),
            company_name: r.text(6),
            device_id: device_id.to_owned(),
            access_token: tokens.0,
            access_expires_in: (self.cfg.access_ttl_ms / 1000).max(0) as u64,
            refresh_token: tokens.1,
            epoch: self.epoch.clone(),
            last_seq: r.int(7).max(0) as u64,
        })
    }

    /// Checks the password (limited: after `max_failed_logins` failures in a row the login is
    /// locked, for longer at every further failure) and registers the device for the user.
    pub fn login(&self, req: &LoginRequest) -> Result<LoginResponse, ServerError> {
        let device_id = req.device_id.trim();
        if device_id.is_empty()
            || device_id.len() > 100
            || device_id.contains(|c: char| c.is_whitespace())
        {
            return Err(ServerError::BadRequest("device_id".into()));
        }
        let user = tx(self.backend(), Mode::Read, |c| {
            c.query_one(
                "SELECT id, company_id, password_hash, disabled, failed_logins, locked_until_ms FROM users WHERE login = $1",
                &[req.login.trim().into()],
            )
        })?;
        let Some(user) = user else {
            // Same work as for a real user, so the answer does not tell which logins exist.
            auth::verify_password(&req.password, auth::dummy_hash());
            return Err(ServerError::Unauthorized);
        };
        let now = now_ms();
        let locked_until = user.int(5);
        if locked_until > now {
            return Err(ServerError::TooManyAttempts(
                (locked_until - now + 999) / 1000,
            ));
        }
        let user_id = user.text(0);
        if !auth::verify_password(&req.password, &user.text(2)) {
            let failed = user.int(4) + 1;
            let over = failed - self.cfg.max_failed_logins;
            let lock = if over >= 0 {
                now + (self.cfg.lockout_ms << over.min(8)).min(24 * 3600 * 1000)
            } else {
                0
            };
            tx(self.backend(), Mode::Write, |c| {
                c.exec(
                    "UPDATE users SET failed_logins = failed_logins + 1, locked_until_ms = $1 WHERE id = $2",
                    &[lock.into(), user_id.as_str().into()],
                )
            })?;
            tracing::warn!(login = %req.login, failed, "failed login");
            if lock > 0 {
                return Err(ServerError::TooManyAttempts((lock - now + 999) / 1000));
            }
            return Err(ServerError::Unauthorized);
        }
        if user.int(3) != 0 {
            return Err(ServerError::DeviceRevoked);
        }
        let company = user.text(1);
        tx(self.backend(), Mode::Write, |c| {
            c.exec(
                "UPDATE users SET failed_logins = 0, locked_until_ms = 0 WHERE id = $1",
                &[user_id.as_str().into()],
            )?;
            c.exec(
                "INSERT INTO devices (id, company_id, user_id, name, last_seq, revoked, created_ms) VALUES ($1, $2, $3, $4, 0, 0, $5) \
                 ON CONFLICT (id) DO UPDATE SET company_id = excluded.company_id, user_id = excluded.user_id, name = excluded.name, revoked = 0",
                &[device_id.into(), company.as_str().into(), user_id.as_str().into(), req.device_name.as_str().into(), now.into()],
            )?;
            c.exec(
                "DELETE FROM refresh_tokens WHERE device_id = $1",
                &[device_id.into()],
            )?;
            let tokens = self.issue_tokens(c, device_id)?;
            self.login_response(c, device_id, tokens)
        })
    }

    /// Rotates the refresh token. Presenting a used one again means it leaked: the device is
    /// revoked (its owner logs in again with the password).
    pub fn refresh(&self, req: &RefreshRequest) -> Result<LoginResponse, ServerError> {
        let hash = auth::token_hash(&req.refresh_token);
        let out = tx(self.backend(), Mode::Write, |c| {
            let Some(t) = c.query_one(
                "SELECT t.used, d.revoked, u.disabled FROM refresh_tokens t JOIN devices d ON d.id = t.device_id \
                 JOIN users u ON u.id = d.user_id WHERE t.hash = $1 AND t.device_id = $2",
                &[hash.as_str().into(), req.device_id.as_str().into()],
            )?
            else {
                return Ok(Err(ServerError::Unauthorized));
            };
            if t.int(1) != 0 || t.int(2) != 0 {
                return Ok(Err(ServerError::DeviceRevoked));
            }
            if t.int(0) != 0 {
                c.exec(
                    "UPDATE devices SET revoked = 1 WHERE id = $1",
                    &[req.device_id.as_str().into()],
                )?;
                tracing::warn!(device = %req.device_id, "a used refresh token was presented again: device revoked");
                return Ok(Err(ServerError::DeviceRevoked));
            }
            c.exec(
                "UPDATE refresh_tokens SET used = 1 WHERE hash = $1",
                &[hash.as_str().into()],
            )?;
            let tokens = self.issue_tokens(c, &req.device_id)?;
            Ok(Ok(self.login_response(c, &req.device_id, tokens)?))
        })?;
        out
    }

    pub fn logout(&self, s: &Session) -> Result<(), ServerError> {
        tx(self.backend(), Mode::Write, |c| {
            c.exec(
                "UPDATE devices SET access_hash = NULL, access_expires_ms = 0 WHERE id = $1",
                &[s.device_id.as_str().into()],
            )?;
            c.exec(
                "DELETE FROM refresh_tokens WHERE device_id = $1",
                &[s.device_id.as_str().into()],
            )?;
            Ok(())
        })
    }

    /// The session behind an access token.
    pub fn authenticate(&self, token: &str) -> Result<Session, ServerError> {
        tx(self.backend(), Mode::Read, |c| self.auth_in(c, token))
    }

    /// [`Service::authenticate`] inside a caller's transaction.
    fn auth_in(&self, c: &mut dyn Conn, token: &str) -> Result<Session, ServerError> {
        let hash = auth::token_hash(token);
        let r = c
            .query_one(
                "SELECT d.id, d.company_id, d.user_id, d.revoked, d.access_expires_ms, u.role, u.disabled \
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.access_hash = $1",
                &[hash.into()],
            )?
            .ok_or(ServerError::Unauthorized)?;
        if r.int(3) != 0 || r.int(6) != 0 {
            return Err(ServerError::DeviceRevoked);
        }
        if r.int(4) <= now_ms() {
            return Err(ServerError::TokenExpired);
        }
        Ok(Session {
            device_id: r.text(0),
            company_id: r.text(1),
            user_id: r.text(2),
            role: parse_role(&r.text(5))?,
        })
    }

    pub(super) fn resolve(&self, c: &mut dyn Conn, who: Who<'_>) -> Result<Session, ServerError> {
        match who {
            Who::Session(s) => Ok(s.clone()),
            Who::Token(t) => self.auth_in(c, t),
        }
    }
}
