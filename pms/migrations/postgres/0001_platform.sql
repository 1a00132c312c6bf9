-- Tenants and their credentials (the platform side of the signature protocol).
-- Instants are Unix milliseconds; ids are text. Keep in step with
-- ../sqlite/0001_platform.sql.

CREATE TABLE tenants (
    tenant_id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    contact_email TEXT,
    contact_phone TEXT,
    contact_website TEXT,
    -- NULL while enabled.
    disabled_at BIGINT,
    -- The secret key, sealed with the master key (see src/crypto.rs).
    secret_sealed TEXT NOT NULL,
    -- The secret before the last rotation, and until when it still verifies.
    previous_secret_sealed TEXT,
    previous_secret_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- SHA-256 (hex) of each active API key. At most two per tenant: the current
-- one (expires_at NULL) and, during a rotation overlap, the previous one.
CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
