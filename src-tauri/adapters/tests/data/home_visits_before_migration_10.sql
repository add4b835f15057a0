CREATE TABLE IF NOT EXISTS home_visits (
        id INTEGER PRIMARY KEY,
        person_key TEXT NOT NULL,
        birth_date TEXT NOT NULL,
        card_json TEXT NOT NULL,
        visited_at TEXT NOT NULL,
        staff TEXT NOT NULL,
        first_visit_id INTEGER REFERENCES home_visits(id),
        categories_json TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        identity_json TEXT NOT NULL,
        reader TEXT NOT NULL,
        check_id INTEGER,
        queued_id INTEGER
    );
    CREATE INDEX IF NOT EXISTS home_visits_by_person ON home_visits(person_key, birth_date, visited_at);
