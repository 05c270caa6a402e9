//! Companies and users: creating and finding them, passwords (argon2), disabling a user and
//! revoking a device.

use super::{new_id, now_ms, Service};
use crate::auth;
use crate::db::{tx, Mode, Row};
use crate::error::ServerError;
use clientbase_sync::{Role, User};

fn role_str(r: Role) -> &'static str {
    match r {
        Role::Rep => "rep",
        Role::Manager => "manager",
        Role::Admin => "admin",
    }
}

pub fn parse_role(s: &str) -> Result<Role, ServerError> {
    match s {
        "rep" => Ok(Role::Rep),
        "manager" => Ok(Role::Manager),
        "admin" => Ok(Role::Admin),
        other => Err(ServerError::BadRequest(format!(
            "unknown role {other:?} (rep, manager, admin)"
        ))),
    }
}

pub(super) fn user_of(r: &Row) -> Result<User, ServerError> {
    // columns: id, login, name, role, disabled
    Ok(User {
        id: r.text(0),
        login: r.text(1),
        name: r.text(2),
        role: parse_role(&r.text(3))?,
        disabled: r.int(4) != 0,
    })
}

impl Service {
    pub fn company_add(&self, name: &str) -> Result<String, ServerError> {
        let id = new_id();
        tx(self.backend(), Mode::Write, |c| {
            c.exec(
                "INSERT INTO companies (id, name, version, created_ms) VALUES ($1, $2, 0, $3)",
                &[id.as_str().into(), name.into(), now_ms().into()],
            )
        })?;
        Ok(id)
    }

    /// The company with this id or name.
    pub fn company_find(&self, id_or_name: &str) -> Result<String, ServerError> {
        tx(self.backend(), Mode::Read, |c| {
            let rows = c.query(
                "SELECT id FROM companies WHERE id = $1 OR name = $1",
                &[id_or_name.into()],
            )?;
            match rows.len() {
                1 => Ok(rows[0].text(0)),
                0 => Err(ServerError::NotFound(format!("company {id_or_name:?}"))),
                _ => Err(ServerError::BadRequest(format!(
                    "several companies are named {id_or_name:?}: use the id"
                ))),
            }
        })
    }

    pub fn user_add(
        &self,
        company_id: &str,
        login: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, ServerError> {
        let login = login.trim();
        if login.is_empty() || password.len() < 8 {
            return Err(ServerError::BadRequest(
                "a login and a password of at least 8 characters are required".into(),
            ));
        }
        let hash = auth::hash_password(password)?;
        let user = User {
            id: new_id(),
            login: login.to_owned(),
            name: name.to_owned(),
            role,
            disabled: false,
        };
        tx(self.backend(), Mode::Write, |c| {
            if c.query_one(
                "SELECT 1 FROM companies WHERE id = $1",
                &[company_id.into()],
            )?
            .is_none()
            {
                return Err(ServerError::NotFound("company".into()));
            }
            if c.query_one("SELECT 1 FROM users WHERE login = $1", &[login.into()])?
                .is_some()
            {
                return Err(ServerError::BadRequest(format!(
                    "the login {login:?} is taken"
                )));
            }
            c.exec(
                "INSERT INTO users (id, company_id, login, name, role, password_hash, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    user.id.as_str().into(),
                    company_id.into(),
                    login.into(),
                    name.into(),
                    role_str(role).into(),
                    hash.as_str().into(),
                    now_ms().into(),
                ],
            )
        })?;
        Ok(user)
    }

    /// The user with this login or id, with their company.
    pub fn user_find(&self, login_or_id: &str) -> Result<(String, User), ServerError> {
        tx(self.backend(), Mode::Read, |c| {
            c.query_one(
                "SELECT id, login, name, role, disabled, company_id FROM users WHERE login = $1 OR id = $1",
                &[login_or_id.into()],
            )?
            .map(|r| Ok((r.text(5), user_of(&r)?)))
            .unwrap_or_else(|| Err(ServerError::NotFound(format!("user {login_or_id:?}"))))
        })
    }

    /// Sets a new password, clears a lockout and revokes the user's devices (they log in again).
    pub fn reset_password(&self, user_id: &str, password: &str) -> Result<(), ServerError> {
        if password.len() < 8 {
            return Err(ServerError::BadRequest(
                "a password of at least 8 characters is required".into(),
            ));
        }
        let hash = auth::hash_password(password)?;
        tx(self.backend(), Mode::Write, |c| {
            let n = c.exec(
                "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until_ms = 0 WHERE id = $2",
                &[hash.as_str().into(), user_id.into()],
            )?;
            if n == 0 {
                return Err(ServerError::NotFound("user".into()));
            }
            c.exec(
                "UPDATE devices SET revoked = 1 WHERE user_id = $1",
                &[user_id.into()],
            )?;
            Ok(())
        })
    }

    /// Disables (or re-enables) a user; disabling revokes all their devices, which wipe the
    /// company's data at their next contact.
    pub fn set_disabled(&self, user_id: &str, disabled: bool) -> Result<(), ServerError> {
        tx(self.backend(), Mode::Write, |c| {
            let n = c.exec(
                "UPDATE users SET disabled = $1 WHERE id = $2",
                &[disabled.into(), user_id.into()],
            )?;
            if n == 0 {
                return Err(ServerError::NotFound("user".into()));
            }
            if disabled {
                c.exec(
                    "UPDATE devices SET revoked = 1 WHERE user_id = $1",
                    &[user_id.into()],
                )?;
            }
            Ok(())
        })
    }

    pub fn revoke_device(&self, company_id: &str, device_id: &str) -> Result<(), ServerError> {
        tx(self.backend(), Mode::Write, |c| {
            let n = c.exec(
                "UPDATE devices SET revoked = 1 WHERE id = $1 AND company_id = $2",
                &[device_id.into(), company_id.into()],
            )?;
            if n == 0 {
                return Err(ServerError::NotFound("device".into()));
            }
            Ok(())
        })
    }

    pub fn users(&self, company_id: &str) -> Result<Vec<User>, ServerError> {
        tx(self.backend(), Mode::Read, |c| {
            c.query(
                "SELECT id, login, name, role, disabled FROM users WHERE company_id = $1 ORDER BY login",
                &[company_id.into()],
            )?
            .iter()
            .map(user_of)
            .collect()
        })
    }
}
