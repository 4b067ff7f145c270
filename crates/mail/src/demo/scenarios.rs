//! The demo mailbox's conversations, as templates. Placeholders filled per thread:
//! {first} {name} {order} ("#1003") {number} ("1003") {product} {total} {shop} {agent}
//! {tracking}.

/// Who starts a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opener {
    Customer,
    /// The shop writes first (a back-order notice): an outbound new ticket.
    Shop,
    /// Shopify's contact form: From mailer@shopify.com, the customer in Reply-To.
    ContactForm,
    /// Someone who is not a customer of the shop.
    Stranger,
    /// A mail damaged in transfer (garbage header, MIME cut off): must end up flagged.
    Broken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum By {
    Customer,
    Shop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    Text,
    /// text/plain and text/html alternatives.
    TextAndHtml,
    /// HTML only, with a script, an onerror handler and a remote tracking pixel that
    /// sanitizing must remove.
    HostileHtml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Asset {
    DamagePhoto,
    InvoicePdf,
}

/// How a reply points at its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Link {
    /// In-Reply-To and References, as mail clients do.
    Headers,
    /// Only the ticket token in the subject, as a client that drops headers does.
    SubjectToken,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    pub by: By,
    pub text: &'static str,
    pub body: Body,
    pub asset: Option<Asset>,
    pub link: Link,
    /// Hours after the previous message (min, max); ignored for the first.
    pub delay_hours: (u32, u32),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Scenario {
    pub opener: Opener,
    pub subject: &'static str,
    pub steps: &'static [Step],
}

const fn say(by: By, delay_hours: (u32, u32), text: &'static str) -> Step {
    Step {
        by,
        text,
        body: Body::Text,
        asset: None,
        link: Link::Headers,
        delay_hours,
    }
}

const fn with_body(step: Step, body: Body) -> Step {
    Step { body, ..step }
}

const fn with_asset(step: Step, asset: Asset) -> Step {
    Step {
        asset: Some(asset),
        ..step
    }
}

const fn by_token(step: Step) -> Step {
    Step {
        link: Link::SubjectToken,
        ..step
    }
}

use By::{Customer as C, Shop as S};

const START: (u32, u32) = (0, 0);
const SHOP_REPLY: (u32, u32) = (1, 16);
const FOLLOW_UP: (u32, u32) = (2, 30);

pub(super) const SCENARIOS: &[Scenario] = &[
    Scenario {
        opener: Opener::Customer,
        subject: "Where is my order {order}?",
        steps: &[
            say(C, START, "Hi,\n\nI ordered the {product} over a week ago (order {order}) and the tracking page hasn't changed in four days. Can you check where it is?\n\nThanks,\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nSorry for the wait! I checked with the carrier: your parcel was held at the regional hub and is moving again. The tracking number is {tracking}; it should reach you within two working days.\n\nBest,\n{agent}"),
            say(C, FOLLOW_UP, "It arrived this morning. Thanks for chasing it!\n\n{first}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Grinder arrived damaged",
        steps: &[
            with_asset(say(C, START, "Hello,\n\nMy grinder from order {order} arrived with a cracked hopper; the box was dented on one corner. Photo attached. What can we do?\n\n{name}"), Asset::DamagePhoto),
            say(S, SHOP_REPLY, "Hi {first},\n\nThat's not how it should arrive, sorry! Thank you for the photo. I've sent a replacement hopper today at no charge; no need to return the cracked one.\n\n{agent}"),
            say(C, FOLLOW_UP, "Perfect, thank you for the quick help."),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Wrong size filter basket",
        steps: &[
            with_body(say(C, START, "Hi there,\n\nI ordered the 58 mm filter basket (order no. {number}) but the one in the box is 54 mm and doesn't fit my portafilter. Can I swap it?\n\nCheers,\n{first}"), Body::TextAndHtml),
            say(S, SHOP_REPLY, "Hi {first},\n\nApologies for the mix-up. A 58 mm basket is on its way; please use the prepaid label in the parcel to send the 54 mm one back.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Refund request for {order}",
        steps: &[
            say(C, START, "Hi,\n\nI'd like to return the {product} from {order}. It's unopened. How do I get a refund?\n\n{name}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nOf course. Once the parcel is back with us we'll refund {total} to your original payment method; it usually shows within 5 working days.\n\n{agent}"),
            say(C, FOLLOW_UP, "Great, I sent it back today."),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Change of shipping address",
        steps: &[
            say(C, START, "Hello,\n\nI just moved. Could you change the shipping address for order {number} to Lindenstrasse 12, 10969 Berlin before it ships?\n\nThank you,\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nDone: order {order} will ship to Lindenstrasse 12, 10969 Berlin.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Question about my coffee subscription",
        steps: &[
            say(C, START, "Hi,\n\nCan I switch my monthly bean subscription from espresso roast to filter roast, and skip December? I'm away over the holidays.\n\nThanks,\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nSure. From January you'll get the filter roast, and December is skipped. Enjoy the holidays!\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Just wanted to say thank you",
        steps: &[
            with_body(say(C, START, "Hi {shop} team,\n\nMy {product} (order {order}) is the best thing I bought this year. The morning coffee finally tastes like the café's. Thank you for the tips in the box!\n\nWarmly,\n{first}"), Body::HostileHtml),
            say(S, SHOP_REPLY, "Thank you so much, {first}! That made our day.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Invoice for order no. {number}",
        steps: &[
            say(C, START, "Hello,\n\nI need an invoice with VAT for order no. {number} for my company's bookkeeping. Could you send one?\n\n{name}"),
            with_asset(say(S, SHOP_REPLY, "Hi {first},\n\nPlease find the invoice for {order} attached.\n\nBest regards,\n{agent}"), Asset::InvoicePdf),
        ],
    },
    Scenario {
        opener: Opener::ContactForm,
        subject: "New customer message",
        steps: &[
            say(C, START, "Hi, I placed order {order} yesterday and forgot to add the milk jug. Can you add it to the same parcel? I'll pay the difference."),
            say(S, SHOP_REPLY, "Hi {first},\n\nYes, we can. I've added the milk jug to order {order}; you'll get a payment link for the difference by e-mail.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Stranger,
        subject: "Do you ship to Norway?",
        steps: &[
            say(C, START, "Hello,\n\nI'm interested in your hand grinders. Do you ship to Norway, and are import duties included?\n\nBest,\nIngrid"),
            say(S, SHOP_REPLY, "Hi Ingrid,\n\nYes, we ship to Norway (4-6 working days). Duties are not included and are collected by the carrier on delivery.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Broken,
        subject: "Photos of the leaking kettle (order {order})",
        steps: &[say(C, START, "Hi, here are the photos of the kettle leaking from the base.")],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Missing scoop in order {order}",
        steps: &[
            say(C, START, "Hi,\n\nThe measuring scoop that should come with the {product} wasn't in the box (order {order}).\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nSorry about that! A scoop is on its way in a letter envelope.\n\n{agent}"),
            by_token(say(C, FOLLOW_UP, "Got the scoop, thanks. By the way, could you also tell me the best grind setting for a V60?\n\n{first}")),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Please cancel order {order}",
        steps: &[
            say(C, START, "Hi,\n\nI ordered twice by mistake. Please cancel {order}.\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nOrder {order} is cancelled and {total} will be refunded in full.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Order {order} still not delivered",
        steps: &[
            say(C, START, "Hello,\n\nIt's been two weeks and order {order} still hasn't arrived. This was meant to be a birthday present.\n\n{name}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nI'm sorry. The carrier reports a delay at their depot (tracking {tracking}). I've asked them to prioritise it.\n\n{agent}"),
            say(C, FOLLOW_UP, "Still nothing today. Can you send another one instead?"),
            say(S, SHOP_REPLY, "Hi {first},\n\nA replacement left our warehouse this afternoon by express; you'll have it tomorrow. If the first parcel shows up, just keep it or refuse it, whichever is easier.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "How do I descale my espresso machine?",
        steps: &[
            say(C, START, "Hi,\n\nI bought the {product} with order {order}. How often should I descale it, and which descaler do you recommend?\n\nThanks,\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nEvery 2-3 months with hard water, every 4-6 with soft. Any citric-acid descaler works; ours is in the care section.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Item missing from my order",
        steps: &[
            say(C, START, "Hello,\n\nOrder #{number} arrived but the paper filters are missing.\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nThey were on back-order and ship separately this week; no extra cost.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Charged twice?",
        steps: &[
            say(C, START, "Hi,\n\nMy bank statement shows two charges for order {order}. Could you check?\n\n{name}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nThe second one is a pre-authorisation that your bank will release within a few days; you were charged once, {total}.\n\n{agent}"),
            say(C, FOLLOW_UP, "You're right, it disappeared. Thanks!"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Exchange for another colour",
        steps: &[
            say(C, START, "Hi,\n\nCould I exchange the white kettle from order no. {number} for the matte black one?\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nYes! Send the white one back with the enclosed label and we'll ship the matte black one as soon as it's scanned.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Kettle stopped heating",
        steps: &[
            say(C, START, "Hello,\n\nThe kettle from {order} stopped heating after three weeks. The light comes on, nothing else.\n\n{name}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nSorry to hear it. It's covered by the warranty. Could you send a photo of the label under the base?\n\n{agent}"),
            with_asset(say(C, FOLLOW_UP, "Here it is."), Asset::DamagePhoto),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Discount code didn't apply",
        steps: &[
            say(C, START, "Hi,\n\nI used the code AUTUMN15 on order {order} but the discount isn't on the receipt.\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nThe code expired the day before, but we've refunded the 15% anyway.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Gift message for {order}",
        steps: &[
            say(C, START, "Hi,\n\nOrder {order} is a gift. Could you add a card saying \"Happy birthday, Sam! Enjoy the coffee.\" and leave the price off?\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nDone: card added and no prices in the parcel.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Roast date on the beans",
        steps: &[
            say(C, START, "Hi,\n\nThe beans in order {order} were roasted five weeks ago. Is that normal?\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nIt isn't: we ship within two weeks of roasting. A fresh bag is on its way.\n\n{agent}"),
        ],
    },
    Scenario {
        opener: Opener::Shop,
        subject: "Your order {order}: one item on back-order",
        steps: &[
            say(S, START, "Hi {first},\n\nThank you for order {order}. The {product} is back in stock next week; we'd like to ship everything together then. Or shall we send the rest now?\n\n{agent}"),
            say(C, FOLLOW_UP, "No rush, please ship it all together."),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Lid doesn't close properly",
        steps: &[
            say(C, START, "Hi,\n\nThe lid of the grinder from order {order} doesn't sit flat; it wobbles.\n\n{first}"),
            say(S, SHOP_REPLY, "Hi {first},\n\nThere's sometimes a protective ring left under the lid; could you check? If not, we'll send a new lid.\n\n{agent}"),
            say(C, FOLLOW_UP, "That was it, the ring. All good now!"),
        ],
    },
    Scenario {
        opener: Opener::Customer,
        subject: "Best customer service!",
        steps: &[say(C, START, "Just a note to say thanks for the help with my order {order}. You're the best!\n\n{first}")],
    },
];
