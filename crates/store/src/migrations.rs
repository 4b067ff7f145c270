//! Versioned schema migrations: timestamped SQL files under `migrations/`, applied in order and
//! tracked in SQLite's `user_version` by rusqlite_migration.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/20261129_1100_initial.sql"),
    include_str!("../migrations/20261129_1300_mailbox.sql"),
    include_str!("../migrations/20261129_1400_outbox.sql"),
    include_str!("../migrations/20261129_1500_bulk_import.sql"),
    include_str!("../migrations/20261129_1600_order_actions.sql"),
    include_str!("../migrations/20261129_1700_accounts.sql"),
    include_str!("../migrations/20261129_1800_mail_extras.sql"),
    include_str!("../migrations/20261129_1900_sync_extras.sql"),
    include_str!("../migrations/20261129_2000_ticket_order_origin.sql"),
    include_str!("../migrations/20261207_1700_integer_keys.sql"),
    include_str!("../migrations/20261207_2200_orders_version.sql"),
];

pub(crate) fn apply(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
    migrations.to_latest(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        migrations.validate().unwrap();
    }
}
