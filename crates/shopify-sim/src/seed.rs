//! Deterministic seeding of a shop from a `SimConfig`.
//!
//! Same seed and sizes, same store, byte for byte: all randomness comes from one ChaCha stream
//! and all times are relative to [`SEED_EPOCH`], never to the wall clock.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::{Decimal, RoundingStrategy};
use shopdesk_money::Currency;

use crate::model::*;
use crate::{SimConfig, SimError};

/// "Now" for seeded data: 2026-11-28T12:00:00Z. Orders are spread over the 120 days before it.
pub const SEED_EPOCH: Timestamp = 1_795_867_200;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const ORDER_WINDOW_DAYS: i64 = 120;

pub fn seed_shop(config: &SimConfig) -> Result<ShopState, SimError> {
    let currency: Currency = config
        .currency
        .parse()
        .map_err(|_| SimError::InvalidConfig(format!("unknown currency {}", config.currency)))?;
    if config.customers == 0 && config.orders > 0 {
        return Err(SimError::InvalidConfig(
            "orders need at least one customer".into(),
        ));
    }
    if config.orders > (u32::MAX as usize) || config.customers > (u32::MAX as usize) {
        return Err(SimError::InvalidConfig("store too large".into()));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut ids = IdCounters {
        shop_currency: currency,
        line_item: 0,
        fulfillment: 0,
        fulfillment_line: 0,
        refund: 0,
        refund_line: 0,
    };

    let shop = seed_shop_record(config, currency);
    let products = seed_catalog(currency);
    let mut customers: Vec<Customer> = (0..config.customers)
        .map(|index| seed_customer(&mut rng, index))
        .collect();
    let mut orders = seed_orders(&mut rng, &mut ids, config, currency, &products, &customers);

    link_customers_to_orders(&mut rng, &mut customers, &mut orders);
    let ops = Operations::seeded(&products);
    Ok(ShopState {
        shop,
        products,
        customers,
        orders,
        events: Vec::new(),
        ops,
    })
}

/// Id counters, one per resource kind, and the shop currency amounts are rounded to.
struct IdCounters {
    shop_currency: Currency,
    line_item: u64,
    fulfillment: u64,
    fulfillment_line: u64,
    refund: u64,
    refund_line: u64,
}

fn next(counter: &mut u64, base: u64) -> u64 {
    *counter += 1;
    base + *counter
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn round_money(amount: Decimal, currency: Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Units of each currency per EUR; fixed so that seeded data is deterministic.
fn per_eur(currency: &str) -> Option<Decimal> {
    Some(match currency {
        "EUR" => Decimal::ONE,
        "USD" => Decimal::new(108, 2),
        "GBP" => Decimal::new(85, 2),
        "JPY" => Decimal::new(162, 0),
        "CHF" => Decimal::new(94, 2),
        "CAD" => Decimal::new(150, 2),
        "PLN" => Decimal::new(430, 2),
        _ => return None,
    })
}

fn slug(name: &str) -> String {
    let mut slug = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn seed_shop_record(config: &SimConfig, currency: Currency) -> Shop {
    let slug = slug(&config.shop_name);
    let slug = if slug.is_empty() { "shop".into() } else { slug };
    let iana_timezone = match currency.code() {
        "EUR" => "Europe/Paris",
        "USD" => "America/New_York",
        "GBP" => "Europe/London",
        "JPY" => "Asia/Tokyo",
        _ => "Etc/UTC",
    };
    Shop {
        legacy_id: 60_000_000_000 + config.seed % 1_000_000,
        name: config.shop_name.clone(),
        email: format!("hello@{slug}.example"),
        myshopify_domain: format!("{slug}.myshopify.com"),
        currency,
        iana_timezone: iana_timezone.into(),
        plan_name: "Basic".into(),
    }
}

/// (title, product type, vendor, sku prefix, [(variant title, EUR price in cents)]).
type CatalogEntry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, i64)],
);

const CATALOG: &[CatalogEntry] = &[
    (
        "Ethiopia Yirgacheffe",
        "Coffee beans",
        "Northwind Roasters",
        "ETH",
        &[
            ("250 g / Whole bean", 1290),
            ("250 g / Ground", 1290),
            ("1 kg / Whole bean", 4200),
        ],
    ),
    (
        "Colombia Huila",
        "Coffee beans",
        "Northwind Roasters",
        "COL",
        &[("250 g / Whole bean", 1150), ("1 kg / Whole bean", 3800)],
    ),
    (
        "House Espresso Blend",
        "Coffee beans",
        "Northwind Roasters",
        "ESP",
        &[
            ("250 g / Whole bean", 1090),
            ("250 g / Ground", 1090),
            ("1 kg / Whole bean", 3490),
        ],
    ),
    (
        "Decaf Swiss Water",
        "Coffee beans",
        "Northwind Roasters",
        "DEC",
        &[("250 g / Whole bean", 1250)],
    ),
    (
        "Kenya AA Kiambu",
        "Coffee beans",
        "Northwind Roasters",
        "KEN",
        &[("250 g / Whole bean", 1490)],
    ),
    (
        "Hand Grinder Pro",
        "Grinders",
        "Mühlenwerk",
        "HGP",
        &[(DEFAULT_VARIANT_TITLE, 18900)],
    ),
    (
        "Burr Grinder E65",
        "Grinders",
        "Mühlenwerk",
        "E65",
        &[("Black", 34900), ("White", 34900)],
    ),
    (
        "Gooseneck Kettle",
        "Kettles",
        "Kettle & Co.",
        "GNK",
        &[("Matte Black", 6900), ("Stainless", 6900)],
    ),
    (
        "Electric Pour-over Kettle",
        "Kettles",
        "Kettle & Co.",
        "EPK",
        &[(DEFAULT_VARIANT_TITLE, 11900)],
    ),
    (
        "Stoneware Mug",
        "Mugs",
        "Atelier Grès",
        "MUG",
        &[("Sand", 1850), ("Slate", 1850), ("Moss", 1850)],
    ),
    (
        "Double-wall Glass Cups (2)",
        "Mugs",
        "Atelier Grès",
        "DWG",
        &[(DEFAULT_VARIANT_TITLE, 2400)],
    ),
    (
        "V60 Dripper",
        "Brewing",
        "Northwind Roasters",
        "V60",
        &[("Ceramic / White", 2600), ("Plastic / Clear", 990)],
    ),
    (
        "Paper Filters (100)",
        "Brewing",
        "Northwind Roasters",
        "FLT",
        &[(DEFAULT_VARIANT_TITLE, 650)],
    ),
    (
        "Travel Press",
        "Brewing",
        "Northwind Roasters",
        "TRP",
        &[(DEFAULT_VARIANT_TITLE, 3990)],
    ),
];

fn seed_catalog(currency: Currency) -> Vec<Product> {
    // Catalog prices are in EUR; other shop currencies get a converted, rounded price.
    let rate = per_eur(currency.code()).unwrap_or(Decimal::ONE);
    let mut variant_id = 0;
    CATALOG
        .iter()
        .enumerate()
        .map(
            |(index, (title, product_type, vendor, prefix, variants))| Product {
                legacy_id: PRODUCT_ID_BASE + index as u64 + 1,
                title: (*title).into(),
                handle: slug(title),
                vendor: (*vendor).into(),
                product_type: (*product_type).into(),
                variants: variants
                    .iter()
                    .enumerate()
                    .map(|(v, (variant_title, cents))| Variant {
                        legacy_id: next(&mut variant_id, VARIANT_ID_BASE),
                        title: (*variant_title).into(),
                        sku: format!("NW-{prefix}-{}", v + 1),
                        price: round_money(Decimal::new(*cents, 2) * rate, currency),
                    })
                    .collect(),
            },
        )
        .collect()
}

/// A name as written, and its ASCII form for e-mail addresses.
type Name = (&'static str, &'static str);

/// (street without number, city, province, province code, zip)
type Place = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

struct Locale {
    country: &'static str,
    country_code: &'static str,
    weight: u32,
    /// Currency of orders that are not paid in shop currency.
    local_currency: &'static str,
    tax_percent: i64,
    phone_prefix: &'static str,
    first_names: &'static [Name],
    last_names: &'static [Name],
    email_domains: &'static [&'static str],
    places: &'static [Place],
    carrier: Carrier,
}

#[derive(Clone, Copy)]
enum Carrier {
    DhlExpress,
    Ups,
    LaPoste,
}

const LOCALES: &[Locale] = &[
    Locale {
        country: "France",
        country_code: "FR",
        weight: 30,
        local_currency: "EUR",
        tax_percent: 20,
        phone_prefix: "+336",
        first_names: &[
            ("Zoë", "zoe"),
            ("Camille", "camille"),
            ("Léa", "lea"),
            ("Hélène", "helene"),
            ("Théo", "theo"),
            ("Mathis", "mathis"),
            ("Chloé", "chloe"),
            ("Étienne", "etienne"),
            ("Margaux", "margaux"),
            ("Jules", "jules"),
        ],
        last_names: &[
            ("Dubois", "dubois"),
            ("Lefèvre", "lefevre"),
            ("Martin", "martin"),
            ("Moreau", "moreau"),
            ("Girard", "girard"),
            ("Fontaine", "fontaine"),
            ("Chevalier", "chevalier"),
            ("Lambert", "lambert"),
        ],
        email_domains: &[
            "orange.example",
            "free.example",
            "gmail.example",
            "laposte.example",
        ],
        places: &[
            ("Rue des Lilas", "Lyon", None, None, "69003"),
            ("Boulevard Voltaire", "Paris", None, None, "75011"),
            ("Cours de l'Intendance", "Bordeaux", None, None, "33000"),
            ("Rue Nationale", "Lille", None, None, "59800"),
        ],
        carrier: Carrier::LaPoste,
    },
    Locale {
        country: "Germany",
        country_code: "DE",
        weight: 20,
        local_currency: "EUR",
        tax_percent: 19,
        phone_prefix: "+4915",
        first_names: &[
            ("Jürgen", "juergen"),
            ("Lena", "lena"),
            ("Maximilian", "maximilian"),
            ("Sophie", "sophie"),
            ("Lukas", "lukas"),
            ("Anna", "anna"),
            ("Jonas", "jonas"),
            ("Mia", "mia"),
        ],
        last_names: &[
            ("Müller", "mueller"),
            ("Schröder", "schroeder"),
            ("Becker", "becker"),
            ("Weiß", "weiss"),
            ("Hoffmann", "hoffmann"),
            ("Fischer", "fischer"),
        ],
        email_domains: &[
            "web.example",
            "gmx.example",
            "gmail.example",
            "posteo.example",
        ],
        places: &[
            ("Hauptstraße", "Berlin", None, None, "10115"),
            ("Sendlinger Straße", "München", None, None, "80331"),
            ("Schanzenstraße", "Hamburg", None, None, "20357"),
        ],
        carrier: Carrier::DhlExpress,
    },
    Locale {
        country: "Poland",
        country_code: "PL",
        weight: 8,
        local_currency: "EUR",
        tax_percent: 23,
        phone_prefix: "+4860",
        first_names: &[
            ("Łukasz", "lukasz"),
            ("Zofia", "zofia"),
            ("Małgorzata", "malgorzata"),
            ("Piotr", "piotr"),
            ("Agnieszka", "agnieszka"),
            ("Krzysztof", "krzysztof"),
        ],
        last_names: &[
            ("Nowak", "nowak"),
            ("Wiśniewski", "wisniewski"),
            ("Kowalczyk", "kowalczyk"),
            ("Wójcik", "wojcik"),
            ("Zieliński", "zielinski"),
        ],
        email_domains: &["wp.example", "onet.example", "gmail.example"],
        places: &[
            ("ul. Długa", "Kraków", None, None, "31-147"),
            ("ul. Marszałkowska", "Warszawa", None, None, "00-624"),
            ("ul. Piwna", "Gdańsk", None, None, "80-831"),
        ],
        carrier: Carrier::DhlExpress,
    },
    Locale {
        country: "Netherlands",
        country_code: "NL",
        weight: 8,
        local_currency: "EUR",
        tax_percent: 21,
        phone_prefix: "+316",
        first_names: &[
            ("Sanne", "sanne"),
            ("Daan", "daan"),
            ("Fleur", "fleur"),
            ("Bram", "bram"),
            ("Femke", "femke"),
        ],
        last_names: &[
            ("de Vries", "devries"),
            ("van Dijk", "vandijk"),
            ("Jansen", "jansen"),
            ("Bakker", "bakker"),
        ],
        email_domains: &["ziggo.example", "gmail.example", "outlook.example"],
        places: &[
            ("Prinsengracht", "Amsterdam", None, None, "1016 GV"),
            ("Oudegracht", "Utrecht", None, None, "3511 AV"),
        ],
        carrier: Carrier::DhlExpress,
    },
    Locale {
        country: "Spain",
        country_code: "ES",
        weight: 8,
        local_currency: "EUR",
        tax_percent: 21,
        phone_prefix: "+346",
        first_names: &[
            ("Lucía", "lucia"),
            ("Sofía", "sofia"),
            ("Hugo", "hugo"),
            ("Álvaro", "alvaro"),
            ("Martina", "martina"),
        ],
        last_names: &[
            ("Fernández", "fernandez"),
            ("López", "lopez"),
            ("Martínez", "martinez"),
            ("Sánchez", "sanchez"),
        ],
        email_domains: &["gmail.example", "hotmail.example", "telefonica.example"],
        places: &[
            ("Calle Mayor", "Madrid", Some("Madrid"), Some("M"), "28013"),
            (
                "Carrer de Mallorca",
                "Barcelona",
                Some("Barcelona"),
                Some("B"),
                "08013",
            ),
        ],
        carrier: Carrier::DhlExpress,
    },
    Locale {
        country: "United Kingdom",
        country_code: "GB",
        weight: 10,
        local_currency: "GBP",
        tax_percent: 20,
        phone_prefix: "+447",
        first_names: &[
            ("Oliver", "oliver"),
            ("Amelia", "amelia"),
            ("Harry", "harry"),
            ("Isla", "isla"),
            ("George", "george"),
            ("Freya", "freya"),
        ],
        last_names: &[
            ("Smith", "smith"),
            ("O'Brien", "obrien"),
            ("Taylor", "taylor"),
            ("Davies", "davies"),
            ("Evans", "evans"),
            ("Wright", "wright"),
        ],
        email_domains: &[
            "btinternet.example",
            "gmail.example",
            "outlook.example",
            "icloud.example",
        ],
        places: &[
            (
                "Baker Street",
                "London",
                Some("England"),
                Some("ENG"),
                "NW1 6XE",
            ),
            (
                "Deansgate",
                "Manchester",
                Some("England"),
                Some("ENG"),
                "M3 2BW",
            ),
            (
                "Rose Street",
                "Edinburgh",
                Some("Scotland"),
                Some("SCT"),
                "EH2 2PR",
            ),
        ],
        carrier: Carrier::Ups,
    },
    Locale {
        country: "United States",
        country_code: "US",
        weight: 8,
        local_currency: "USD",
        tax_percent: 0,
        phone_prefix: "+1212555",
        first_names: &[
            ("Emma", "emma"),
            ("Liam", "liam"),
            ("Olivia", "olivia"),
            ("Noah", "noah"),
            ("José", "jose"),
            ("María", "maria"),
        ],
        last_names: &[
            ("Johnson", "johnson"),
            ("Williams", "williams"),
            ("García", "garcia"),
            ("Nguyen", "nguyen"),
            ("Brown", "brown"),
        ],
        email_domains: &[
            "gmail.example",
            "yahoo.example",
            "icloud.example",
            "proton.example",
        ],
        places: &[
            (
                "Fifth Avenue",
                "New York",
                Some("New York"),
                Some("NY"),
                "10118",
            ),
            (
                "Market Street",
                "San Francisco",
                Some("California"),
                Some("CA"),
                "94105",
            ),
            (
                "Congress Avenue",
                "Austin",
                Some("Texas"),
                Some("TX"),
                "78701",
            ),
        ],
        carrier: Carrier::Ups,
    },
    Locale {
        country: "Japan",
        country_code: "JP",
        weight: 8,
        local_currency: "JPY",
        tax_percent: 10,
        phone_prefix: "+8190",
        first_names: &[
            ("翔太", "shota"),
            ("陽菜", "hina"),
            ("結衣", "yui"),
            ("大翔", "hiroto"),
            ("Haruto", "haruto"),
            ("Yuki", "yuki"),
        ],
        last_names: &[
            ("佐藤", "sato"),
            ("鈴木", "suzuki"),
            ("高橋", "takahashi"),
            ("田中", "tanaka"),
        ],
        email_domains: &["yahoo.example", "docomo.example", "gmail.example"],
        places: &[
            (
                "Shibuya",
                "Shibuya-ku",
                Some("Tokyo"),
                Some("JP-13"),
                "150-0002",
            ),
            (
                "梅田",
                "大阪市北区",
                Some("Osaka"),
                Some("JP-27"),
                "530-0001",
            ),
        ],
        carrier: Carrier::Ups,
    },
];

fn pick_locale(rng: &mut ChaCha8Rng) -> &'static Locale {
    let total: u32 = LOCALES.iter().map(|l| l.weight).sum();
    let mut roll = rng.random_range(0..total);
    for locale in LOCALES {
        if roll < locale.weight {
            return locale;
        }
        roll -= locale.weight;
    }
    &LOCALES[0]
}

fn locale_of(country_code: &str) -> &'static Locale {
    LOCALES
        .iter()
        .find(|l| l.country_code == country_code)
        .unwrap_or(&LOCALES[0])
}

fn seed_customer(rng: &mut ChaCha8Rng, index: usize) -> Customer {
    let locale = pick_locale(rng);
    let (first_name, first_ascii) = *pick(rng, locale.first_names);
    let (last_name, last_ascii) = *pick(rng, locale.last_names);
    let domain = pick(rng, locale.email_domains);
    // The index keeps addresses unique across thousands of customers with the same name.
    let local_part = match rng.random_range(0..4) {
        0 => format!("{first_ascii}.{last_ascii}"),
        1 => format!("{first_ascii}{}", &last_ascii[..1]),
        2 => format!("{}{last_ascii}", &first_ascii[..1]),
        _ => format!("{first_ascii}_{last_ascii}"),
    };
    let email = format!("{local_part}{}@{domain}", index + 1);
    let has_email = rng.random_ratio(97, 100);
    let phone = rng.random_bool(0.6).then(|| {
        format!(
            "{}{:07}",
            locale.phone_prefix,
            rng.random_range(0..10_000_000)
        )
    });
    let created_at = SEED_EPOCH - rng.random_range(0..400 * DAY);
    let state = match rng.random_range(0..100) {
        0..30 => CustomerState::Enabled,
        30..34 => CustomerState::Invited,
        34..35 => CustomerState::Declined,
        _ => CustomerState::Disabled,
    };
    let email_marketing = match rng.random_range(0..10) {
        0..4 => EmailMarketingState::Subscribed,
        4..5 => EmailMarketingState::Unsubscribed,
        _ => EmailMarketingState::NotSubscribed,
    };
    let note = rng
        .random_ratio(1, 8)
        .then(|| pick(rng, CUSTOMER_NOTES).to_string());
    let address = seed_address(
        rng,
        locale,
        first_name,
        last_name,
        phone.clone(),
        index as u64,
    );
    Customer {
        legacy_id: CUSTOMER_ID_BASE + index as u64 + 1,
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: has_email.then_some(email),
        email_marketing,
        phone,
        tags: Vec::new(),
        note,
        locale: match locale.country_code {
            "FR" => "fr",
            "DE" => "de",
            "PL" => "pl",
            "NL" => "nl",
            "ES" => "es",
            "JP" => "ja",
            _ => "en",
        }
        .into(),
        state,
        verified_email: has_email && state == CustomerState::Enabled,
        created_at,
        updated_at: created_at,
        default_address: Some(address),
        order_indexes: Vec::new(),
    }
}

const CUSTOMER_NOTES: &[&str] = &[
    "Prefers decaf. Ask before substituting.",
    "Wholesale enquiry pending — café in the old town.",
    "Had a damaged grinder in the past; double-box shipments.",
    "Speaks English and French.",
];

const ORDER_NOTES: &[&str] = &[
    "Please leave the parcel with the neighbour.",
    "It's a gift — no invoice in the box, please.",
    "Grind for a Moka pot if possible.",
    "Ring twice, the bell is broken.",
];

fn seed_address(
    rng: &mut ChaCha8Rng,
    locale: &Locale,
    first_name: &str,
    last_name: &str,
    phone: Option<String>,
    index: u64,
) -> Address {
    let (street, city, province, province_code, zip) = *pick(rng, locale.places);
    let number = rng.random_range(1..180);
    let address1 = match locale.country_code {
        "FR" | "GB" | "US" | "ES" => format!("{number} {street}"),
        "JP" => format!(
            "{street} {}-{}-{}",
            rng.random_range(1..6),
            rng.random_range(1..30),
            number % 20 + 1
        ),
        _ => format!("{street} {number}"),
    };
    Address {
        legacy_id: 9_100_000_000_000 + index + 1,
        first_name: first_name.into(),
        last_name: last_name.into(),
        company: rng.random_ratio(1, 15).then(|| "Café Central".to_string()),
        address1,
        address2: rng
            .random_ratio(1, 6)
            .then(|| format!("Apt {}", rng.random_range(1..40))),
        city: city.into(),
        province: province.map(Into::into),
        province_code: province_code.map(Into::into),
        zip: zip.into(),
        country: locale.country.into(),
        country_code: locale.country_code.into(),
        phone,
    }
}

fn seed_orders(
    rng: &mut ChaCha8Rng,
    ids: &mut IdCounters,
    config: &SimConfig,
    shop_currency: Currency,
    products: &[Product],
    customers: &[Customer],
) -> Vec<Order> {
    if config.orders == 0 {
        return Vec::new();
    }
    // Creation times first, sorted, so that order numbers and ids grow with time as in Shopify.
    let mut created: Vec<Timestamp> = (0..config.orders)
        .map(|_| SEED_EPOCH - rng.random_range(HOUR..ORDER_WINDOW_DAYS * DAY))
        .collect();
    created.sort_unstable();

    // About one customer in seven never ordered; the others order with a skew, so that some
    // are regulars with many orders.
    let buyers: Vec<u32> = (0..customers.len() as u32)
        .filter(|index| customers.len() < 3 || index % 7 != 3)
        .collect();

    created
        .into_iter()
        .enumerate()
        .map(|(index, created_at)| {
            let skew: f64 = rng.random::<f64>().powf(1.8);
            let buyer = buyers[((skew * buyers.len() as f64) as usize).min(buyers.len() - 1)];
            let customer = &customers[buyer as usize];
            seed_order(
                rng,
                ids,
                index,
                created_at,
                buyer,
                customer,
                shop_currency,
                products,
            )
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn seed_order(
    rng: &mut ChaCha8Rng,
    ids: &mut IdCounters,
    index: usize,
    created_at: Timestamp,
    customer_index: u32,
    customer: &Customer,
    shop_currency: Currency,
    products: &[Product],
) -> Order {
    let address = customer.default_address.clone();
    let locale = locale_of(address.as_ref().map_or("FR", |a| a.country_code.as_str()));
    let tax_rate = Decimal::new(locale.tax_percent, 2);
    let age = SEED_EPOCH - created_at;

    // Some orders from abroad are paid in the customer's currency.
    let foreign = per_eur(locale.local_currency)
        .zip(per_eur(shop_currency.code()))
        .filter(|_| locale.local_currency != shop_currency.code() && rng.random_bool(0.4));
    let (presentment_currency, presentment_rate) = match foreign {
        Some((local, shop)) => (
            locale.local_currency.parse().unwrap_or(shop_currency),
            (local / shop).round_dp(6),
        ),
        None => (shop_currency, Decimal::ONE),
    };

    let mut line_items = Vec::new();
    let line_count = match rng.random_range(0..10) {
        0..5 => 1,
        5..8 => 2,
        8 => 3,
        _ => 4,
    };
    let discount_percent = if rng.random_ratio(1, 10) { 10 } else { 0 };
    for _ in 0..line_count {
        let product = rng.random_range(0..products.len());
        let variant = rng.random_range(0..products[product].variants.len());
        let already = line_items
            .iter()
            .any(|l: &LineItem| l.product as usize == product && l.variant as usize == variant);
        if already {
            continue;
        }
        let unit_price = products[product].variants[variant].price;
        let unit_discount = round_money(
            unit_price * Decimal::new(discount_percent, 2),
            shop_currency,
        );
        let quantity = match rng.random_range(0..10) {
            0..7 => 1,
            7..9 => 2,
            _ => 3,
        };
        let taxable_total = (unit_price - unit_discount) * Decimal::from(quantity);
        line_items.push(LineItem {
            legacy_id: next(&mut ids.line_item, LINE_ITEM_ID_BASE),
            product: product as u16,
            variant: variant as u16,
            quantity,
            unit_price,
            unit_discount,
            tax: round_money(taxable_total * tax_rate, shop_currency),
            fulfilled_quantity: 0,
            refunded_quantity: 0,
        });
    }
    let subtotal: Decimal = line_items.iter().map(LineItem::discounted_total).sum();
    let free_shipping_from = round_money(
        Decimal::new(60, 0) * per_eur(shop_currency.code()).unwrap_or(Decimal::ONE),
        shop_currency,
    );
    let shipping_price = if subtotal >= free_shipping_from {
        Decimal::ZERO
    } else {
        let eur = if locale.country_code == "FR" {
            Decimal::new(490, 2)
        } else {
            Decimal::new(990, 2)
        };
        round_money(
            eur * per_eur(shop_currency.code()).unwrap_or(Decimal::ONE),
            shop_currency,
        )
    };

    let payment = match (age < 3 * DAY, rng.random_range(0..100)) {
        (true, 0..20) | (false, 0..2) => PaymentState::Pending,
        (true, 20..35) | (false, 2..4) => PaymentState::Authorized,
        _ => PaymentState::Paid,
    };

    let mut order = Order {
        legacy_id: ORDER_ID_BASE + index as u64 + 1,
        number: 1001 + index as u32,
        customer: Some(customer_index),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        created_at,
        processed_at: created_at,
        updated_at: created_at,
        cancelled_at: None,
        cancel_reason: None,
        closed_at: None,
        payment,
        note: rng
            .random_ratio(1, 12)
            .then(|| pick(rng, ORDER_NOTES).to_string()),
        tags: match rng.random_range(0..20) {
            0 => vec!["gift".into()],
            1 => vec!["subscription".into()],
            2 => vec!["wholesale".into(), "priority".into()],
            _ => Vec::new(),
        },
        test: false,
        presentment_currency,
        presentment_rate,
        confirmation_number: confirmation_number(rng),
        tax_rate,
        shipping_price,
        shipping_address: address,
        line_items,
        fulfillments: Vec::new(),
        refunds: Vec::new(),
        extra: OrderExtra::default(),
    };

    let cancelled = rng.random_ratio(3, 100) && age > DAY;
    if cancelled {
        cancel(rng, ids, &mut order);
    } else if payment == PaymentState::Paid {
        fulfil(rng, ids, &mut order, locale.carrier);
        maybe_refund(rng, ids, &mut order);
    }
    finish_timeline(rng, &mut order);
    order
}

fn confirmation_number(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..9)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn cancel(rng: &mut ChaCha8Rng, ids: &mut IdCounters, order: &mut Order) {
    let cancelled_at = order.created_at + rng.random_range(HOUR..DAY);
    order.cancelled_at = Some(cancelled_at);
    order.closed_at = Some(cancelled_at);
    order.cancel_reason = Some(match rng.random_range(0..10) {
        0..6 => CancelReason::Customer,
        6..8 => CancelReason::Inventory,
        8 => CancelReason::Fraud,
        _ => CancelReason::Declined,
    });
    // A paid order that is cancelled is refunded in full, restocking everything.
    if order.payment == PaymentState::Paid {
        let lines: Vec<(u16, u32)> = (0..order.line_items.len())
            .map(|i| (i as u16, order.line_items[i].quantity))
            .collect();
        let shipping = order.shipping_price;
        add_refund(
            ids,
            order,
            cancelled_at,
            None,
            &lines,
            shipping,
            RestockType::Cancel,
        );
    }
}

fn fulfil(rng: &mut ChaCha8Rng, ids: &mut IdCounters, order: &mut Order, carrier: Carrier) {
    let age = SEED_EPOCH - order.created_at;
    let roll = rng.random_range(0..100);
    let (fulfil_all, fulfil_some) = match age {
        a if a < DAY => (false, false),
        a if a < 5 * DAY => (roll < 50, (50..60).contains(&roll)),
        _ => (roll < 92, (92..97).contains(&roll)),
    };
    if !fulfil_all && !fulfil_some {
        return;
    }
    let mut lines: Vec<(u16, u32)> = order
        .line_items
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u16, l.quantity))
        .collect();
    if fulfil_some {
        // Hold back the last line, or one unit of a single line.
        if lines.len() > 1 {
            lines.pop();
        } else if let Some(only) = lines.first_mut() {
            if only.1 > 1 {
                only.1 -= 1;
            }
        }
    }
    let created_at = order.created_at + rng.random_range(4 * HOUR..2 * DAY);
    let delivered = SEED_EPOCH - created_at > 4 * DAY;
    let in_transit_at = created_at + rng.random_range(2 * HOUR..12 * HOUR);
    let delivered_at = delivered.then(|| created_at + rng.random_range(DAY..4 * DAY));
    let display_status = match (delivered, SEED_EPOCH - created_at) {
        (true, _) => FulfillmentDisplayStatus::Delivered,
        (false, since) if since > 2 * DAY => FulfillmentDisplayStatus::OutForDelivery,
        (false, since) if since > 6 * HOUR => FulfillmentDisplayStatus::InTransit,
        _ => FulfillmentDisplayStatus::Fulfilled,
    };
    let tracking = tracking_for(rng, carrier);
    let fulfillment_lines = lines
        .iter()
        .map(|&(line, quantity)| FulfillmentLine {
            legacy_id: next(&mut ids.fulfillment_line, FULFILLMENT_LINE_ITEM_ID_BASE),
            line_item: line,
            quantity,
        })
        .collect();
    for &(line, quantity) in &lines {
        order.line_items[line as usize].fulfilled_quantity += quantity;
    }
    order.fulfillments.push(Fulfillment {
        legacy_id: next(&mut ids.fulfillment, FULFILLMENT_ID_BASE),
        number: 1,
        created_at,
        updated_at: delivered_at.unwrap_or(in_transit_at).min(SEED_EPOCH),
        display_status,
        in_transit_at: (in_transit_at <= SEED_EPOCH).then_some(in_transit_at),
        delivered_at,
        estimated_delivery_at: Some(created_at + 3 * DAY),
        tracking: Some(tracking),
        line_items: fulfillment_lines,
    });
    if fulfil_all {
        order.closed_at = Some(delivered_at.unwrap_or(created_at));
    }
}

fn tracking_for(rng: &mut ChaCha8Rng, carrier: Carrier) -> Tracking {
    match carrier {
        Carrier::DhlExpress => {
            let number = format!("{:010}", rng.random_range(0..10_000_000_000u64));
            Tracking {
                company: "DHL Express".into(),
                url: format!("https://www.dhl.com/en/express/tracking.html?AWB={number}"),
                number,
            }
        }
        Carrier::Ups => {
            let number = format!(
                "1Z{:06X}{:010}",
                rng.random_range(0..0xFFFFFF),
                rng.random_range(0..10_000_000_000u64)
            );
            Tracking {
                company: "UPS".into(),
                url: format!("https://www.ups.com/track?tracknum={number}"),
                number,
            }
        }
        Carrier::LaPoste => {
            let number = format!("6A{:011}", rng.random_range(0..100_000_000_000u64));
            Tracking {
                company: "La Poste".into(),
                url: format!("https://www.laposte.fr/outils/suivre-vos-envois?code={number}"),
                number,
            }
        }
    }
}

fn maybe_refund(rng: &mut ChaCha8Rng, ids: &mut IdCounters, order: &mut Order) {
    let age = SEED_EPOCH - order.created_at;
    if order.fulfillments.is_empty() || age < 10 * DAY {
        return;
    }
    let Some(fulfilled_at) = order.fulfillments.first().map(|f| f.created_at) else {
        return;
    };
    let refunded_at = fulfilled_at + rng.random_range(3 * DAY..8 * DAY);
    match rng.random_range(0..100) {
        // A partial refund: one returned unit of one fulfilled line.
        0..7 => {
            let candidates: Vec<u16> = (0..order.line_items.len() as u16)
                .filter(|&i| order.line_items[i as usize].fulfilled_quantity > 0)
                .collect();
            if candidates.is_empty() {
                return;
            }
            let line = *pick(rng, &candidates);
            let note = Some(pick(rng, REFUND_NOTES).to_string());
            add_refund(
                ids,
                order,
                refunded_at,
                note,
                &[(line, 1)],
                Decimal::ZERO,
                RestockType::Return,
            );
        }
        // A full refund of a returned order.
        7..9 => {
            let lines: Vec<(u16, u32)> = (0..order.line_items.len())
                .map(|i| (i as u16, order.line_items[i].quantity))
                .collect();
            let shipping = order.shipping_price;
            let note = Some("Full return".to_string());
            add_refund(
                ids,
                order,
                refunded_at,
                note,
                &lines,
                shipping,
                RestockType::Return,
            );
        }
        _ => {}
    }
}

const REFUND_NOTES: &[&str] = &[
    "Mug arrived chipped",
    "Wrong grind size sent",
    "Customer changed their mind",
    "Bag damaged in transit",
];

fn add_refund(
    ids: &mut IdCounters,
    order: &mut Order,
    created_at: Timestamp,
    note: Option<String>,
    lines: &[(u16, u32)],
    shipping: Decimal,
    restock_type: RestockType,
) {
    let mut refund_lines = Vec::new();
    for &(line_index, quantity) in lines {
        let Some(line) = order.line_items.get_mut(line_index as usize) else {
            continue;
        };
        let quantity = quantity.min(line.quantity - line.refunded_quantity);
        if quantity == 0 {
            continue;
        }
        // Tax is refunded pro rata; the last units take the remainder so totals add up exactly.
        let remaining_after = line.quantity - line.refunded_quantity - quantity;
        let tax = if remaining_after == 0 {
            line.tax - refunded_tax_so_far(&order.refunds, line_index)
        } else {
            round_money(
                line.tax * Decimal::from(quantity) / Decimal::from(line.quantity),
                ids.shop_currency,
            )
        };
        line.refunded_quantity += quantity;
        refund_lines.push(RefundLine {
            legacy_id: next(&mut ids.refund_line, REFUND_LINE_ITEM_ID_BASE),
            line_item: line_index,
            quantity,
            restock_type,
            location: (restock_type != RestockType::NoRestock).then_some(0),
            subtotal: line.discounted_unit_price() * Decimal::from(quantity),
            tax,
        });
    }
    order.refunds.push(Refund {
        legacy_id: next(&mut ids.refund, REFUND_ID_BASE),
        created_at: created_at.min(SEED_EPOCH),
        note,
        shipping,
        line_items: refund_lines,
        transactions: None,
    });
}

fn refunded_tax_so_far(refunds: &[Refund], line_index: u16) -> Decimal {
    refunds
        .iter()
        .flat_map(|r| &r.line_items)
        .filter(|l| l.line_item == line_index)
        .map(|l| l.tax)
        .sum()
}

fn finish_timeline(rng: &mut ChaCha8Rng, order: &mut Order) {
    let last_event = [
        Some(order.created_at),
        order.cancelled_at,
        order.closed_at,
        order.fulfillments.iter().map(|f| f.updated_at).max(),
        order.refunds.iter().map(|r| r.created_at).max(),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(order.created_at);
    order.updated_at = (last_event + rng.random_range(0..600)).min(SEED_EPOCH);
    if let Some(closed) = order.closed_at {
        order.closed_at = Some(closed.min(SEED_EPOCH));
    }
}

fn link_customers_to_orders(
    rng: &mut ChaCha8Rng,
    customers: &mut [Customer],
    orders: &mut [Order],
) {
    for (index, order) in orders.iter().enumerate() {
        if let Some(customer) = order.customer.and_then(|c| customers.get_mut(c as usize)) {
            customer.order_indexes.push(index as u32);
        }
    }
    for customer in customers.iter_mut() {
        let first = customer
            .order_indexes
            .first()
            .map(|&i| orders[i as usize].created_at);
        let last = customer
            .order_indexes
            .last()
            .map(|&i| orders[i as usize].created_at);
        if let Some(first) = first {
            // A customer record exists before its first order.
            customer.created_at = customer
                .created_at
                .min(first - rng.random_range(60..3 * DAY));
        }
        // Placing an order updates the customer (order count, amount spent).
        let touched = last.unwrap_or(customer.created_at).max(customer.created_at);
        customer.updated_at = (touched + rng.random_range(0..HOUR)).min(SEED_EPOCH);
        if customer.order_indexes.len() >= 5 {
            customer.tags.push("VIP".into());
        }
        if customer.email.is_some() && customer.email_marketing == EmailMarketingState::Subscribed {
            customer.tags.push("newsletter".into());
        }
    }
}
