-- Reference server schema. Conventions: ids TEXT, timestamps BIGINT unix seconds,
-- booleans BIGINT 0/1 (portable through sqlx's Any driver), money DOUBLE, JSON as TEXT.

CREATE TABLE stores (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    api_key TEXT NOT NULL UNIQUE,
    config TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    is_anonymous BIGINT NOT NULL,
    email TEXT,
    phone TEXT,
    country_code TEXT,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT,
    is_active BIGINT NOT NULL DEFAULT 1,
    email_verified BIGINT NOT NULL DEFAULT 0,
    phone_verified BIGINT NOT NULL DEFAULT 0,
    profile_image BLOB,
    profile_image_type TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_store_email ON users(store_id, email);
CREATE UNIQUE INDEX users_store_phone ON users(store_id, phone);

CREATE TABLE refresh_tokens (
    jti TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    store_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    family_id TEXT NOT NULL,
    anonymous_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT,
    replaced_by TEXT,
    revoked_at BIGINT
);
CREATE INDEX refresh_tokens_user ON refresh_tokens(store_id, user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

CREATE TABLE otps (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    action TEXT NOT NULL,
    user_id TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    payload TEXT NOT NULL
);
CREATE INDEX otps_store_destination ON otps(store_id, destination);

CREATE TABLE notification_preferences (
    store_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    preferences TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (store_id, user_id)
);

CREATE TABLE categories (
    id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    parent_id TEXT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    description TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX categories_store_slug ON categories(store_id, slug);

CREATE TABLE products (
    id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    sku TEXT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    short_description TEXT,
    description TEXT,
    product_type TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    has_variant BIGINT NOT NULL DEFAULT 0,
    tags TEXT NOT NULL,
    attributes TEXT NOT NULL,
    currency TEXT NOT NULL,
    tax_type TEXT NOT NULL,
    tax_rate REAL NOT NULL,
    price_including_tax BIGINT NOT NULL,
    listing_price REAL NOT NULL,
    selling_price REAL NOT NULL,
    min_order_quantity BIGINT NOT NULL DEFAULT 1,
    max_order_quantity BIGINT,
    incremental_quantity BIGINT NOT NULL DEFAULT 1,
    hsn_code TEXT,
    backorder BIGINT NOT NULL DEFAULT 0,
    seo_title TEXT,
    seo_description TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX products_store_slug ON products(store_id, slug);

CREATE TABLE product_categories (
    store_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    PRIMARY KEY (store_id, product_id, category_id)
);
CREATE INDEX product_categories_category ON product_categories(store_id, category_id);

CREATE TABLE variants (
    id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    sku TEXT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    options TEXT NOT NULL,
    listing_price REAL NOT NULL,
    selling_price REAL NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, id)
);
CREATE INDEX variants_product ON variants(store_id, product_id);

CREATE TABLE skus (
    store_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    product_id TEXT NOT NULL,
    variant_id TEXT,
    stock BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, sku)
);
CREATE INDEX skus_product ON skus(store_id, product_id);

CREATE TABLE product_images (
    id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    variant_id TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    url TEXT NOT NULL,
    title TEXT,
    alternate_text TEXT,
    PRIMARY KEY (store_id, id)
);
CREATE INDEX product_images_product ON product_images(store_id, product_id);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    user_id TEXT,
    order_number TEXT,
    name TEXT,
    email TEXT,
    rating REAL NOT NULL,
    review_text TEXT,
    tags TEXT NOT NULL,
    status TEXT NOT NULL,
    is_featured BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reviews_product ON reviews(store_id, product_id);

CREATE TABLE coupons (
    id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT,
    discount_type TEXT NOT NULL,
    discount_value REAL NOT NULL,
    min_order_amount REAL NOT NULL DEFAULT 0,
    max_discount REAL,
    active BIGINT NOT NULL DEFAULT 1,
    starts_at BIGINT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX coupons_store_code ON coupons(store_id, code);

CREATE TABLE promotions (
    id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    code TEXT,
    name TEXT NOT NULL,
    promotion_type TEXT NOT NULL,
    discount_type TEXT NOT NULL,
    discount_value REAL NOT NULL,
    min_order_amount REAL NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    starts_at BIGINT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (store_id, id)
);
CREATE INDEX promotions_store ON promotions(store_id);

CREATE TABLE carts (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX carts_user ON carts(store_id, user_id);

CREATE TABLE countries (
    store_id TEXT NOT NULL,
    iso_code TEXT NOT NULL,
    name TEXT NOT NULL,
    phone_code TEXT NOT NULL,
    currency_code TEXT NOT NULL,
    currency_symbol TEXT NOT NULL,
    currency_name TEXT NOT NULL,
    continent TEXT NOT NULL,
    PRIMARY KEY (store_id, iso_code)
);

CREATE TABLE states (
    store_id TEXT NOT NULL,
    country_iso_code TEXT NOT NULL,
    iso_code TEXT NOT NULL,
    name TEXT NOT NULL,
    gst_code TEXT,
    PRIMARY KEY (store_id, country_iso_code, iso_code)
);

CREATE TABLE pincodes (
    store_id TEXT NOT NULL,
    country_iso_code TEXT NOT NULL,
    pincode TEXT NOT NULL,
    city TEXT NOT NULL,
    state_name TEXT NOT NULL,
    PRIMARY KEY (store_id, country_iso_code, pincode)
);

-- Full-text index of products (kept up to date by the catalog writer).
CREATE VIRTUAL TABLE product_search USING fts5(
    product_id UNINDEXED,
    store_id UNINDEXED,
    name,
    body
);
