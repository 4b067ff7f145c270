//! Search over the demo data, and the sanitized HTML the conversation shows in its sandboxed
//! frame.

use shopdesk_app::{App, SearchKindView};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_leads_to_tickets_and_html_comes_sanitized() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    let tickets = app.list_tickets().unwrap();

    // The demo's hostile HTML mail: its HTML is there for the frame, without what made it hostile.
    let thanks = tickets
        .iter()
        .find(|t| t.subject == "Just wanted to say thank you")
        .expect("the demo's HTML-only mail");
    let view = app.open_ticket(thanks.id).unwrap();
    assert!(
        view.messages[0].html_frame,
        "the HTML part is there for the frame"
    );
    let html = app.mail_frame_html(view.messages[0].id).unwrap().html;
    let lower = html.to_ascii_lowercase();
    for gone in ["<script", "onerror", "mailtrack.example", "cdn.example"] {
        assert!(!lower.contains(gone), "{gone} left in {html}");
    }
    assert!(html.contains("best thing I bought"), "{html}");

    // A message hit leads to its ticket, once.
    let hits = app.search("tips in the box").unwrap();
    let to_thanks: Vec<_> = hits
        .iter()
        .filter(|h| h.kind == SearchKindView::Message && h.ticket_id == Some(thanks.id))
        .collect();
    assert_eq!(to_thanks.len(), 1, "{hits:?}");

    // A customer hit leads to that customer's latest ticket.
    let name = thanks.customer_name.clone().expect("a named customer");
    let hits = app.search(&name).unwrap();
    let customer = hits
        .iter()
        .find(|h| h.kind == SearchKindView::Customer && h.title == name)
        .unwrap_or_else(|| panic!("no customer hit for {name}: {hits:?}"));
    let latest = tickets
        .iter()
        .find(|t| t.customer_email == thanks.customer_email)
        .unwrap();
    assert_eq!(customer.ticket_id, Some(latest.id));

    // An order hit leads to its customer's latest ticket too.
    let order = thanks.order_name.clone().expect("a linked order");
    let hits = app.search(order.trim_start_matches('#')).unwrap();
    assert!(
        hits.iter().any(|h| h.kind == SearchKindView::Order
            && h.title == order
            && h.ticket_id == Some(latest.id)),
        "no order hit for {order}: {hits:?}"
    );

    assert!(app.search("").unwrap().is_empty());
    assert!(app.search("   ").unwrap().is_empty());
}
