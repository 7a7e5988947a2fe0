//! A tiny authoritative DNS server for the domain and egress tests, on an ephemeral UDP port
//! of this machine: it answers TXT, A and AAAA questions from the records a test publishes
//! (and may change), and NXDOMAIN for any other name. The app under test asks it through
//! `TESSERA_DNS_RESOLVER`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, TXT};
use hickory_proto::rr::{RData, Record, RecordType};

#[derive(Clone)]
enum Entry {
    Txt(String),
    Address(IpAddr),
}

type Zone = Arc<Mutex<HashMap<String, Vec<Entry>>>>;

pub struct TestDns {
    pub addr: SocketAddr,
    records: Zone,
    /// The names it was asked about, in order.
    asked: Arc<Mutex<Vec<String>>>,
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl TestDns {
    pub async fn start() -> TestDns {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let records: Zone = Arc::default();
        let asked: Arc<Mutex<Vec<String>>> = Arc::default();
        let (zone, log) = (records.clone(), asked.clone());
        actix_web::rt::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            loop {
                let Ok((n, peer)) = socket.recv_from(&mut buffer).await else {
                    return;
                };
                if let Some(answer) = answer(&buffer[..n], &zone, &log) {
                    let _ = socket.send_to(&answer, peer).await;
                }
            }
        });
        TestDns {
            addr,
            records,
            asked,
        }
    }

    /// Publishes a TXT record (added to any already at the name).
    pub fn publish_txt(&self, name: &str, value: &str) {
        self.records
            .lock()
            .unwrap()
            .entry(key(name))
            .or_default()
            .push(Entry::Txt(value.to_string()));
    }

    /// Points `name` at `addresses` (A and AAAA records), instead of any it pointed at.
    pub fn point(&self, name: &str, addresses: &[IpAddr]) {
        let mut zone = self.records.lock().unwrap();
        let entries = zone.entry(key(name)).or_default();
        entries.retain(|entry| matches!(entry, Entry::Txt(_)));
        entries.extend(addresses.iter().copied().map(Entry::Address));
    }

    /// The names asked about so far.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

fn answer(query: &[u8], zone: &Zone, asked: &Mutex<Vec<String>>) -> Option<Vec<u8>> {
    let request = Message::from_vec(query).ok()?;
    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata.authoritative = true;
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.metadata.recursion_available = true;
    response.add_queries(request.queries.clone());
    let zone = zone.lock().unwrap();
    let mut known = false;
    for question in &request.queries {
        let name = key(&question.name().to_string());
        asked.lock().unwrap().push(name.clone());
        let Some(values) = zone.get(&name) else {
            continue;
        };
        known = true;
        for value in values {
            let data = match (question.query_type(), value) {
                (RecordType::TXT, Entry::Txt(text)) => RData::TXT(TXT::new(vec![text.clone()])),
                (RecordType::A, Entry::Address(IpAddr::V4(ip))) => RData::A(A(*ip)),
                (RecordType::AAAA, Entry::Address(IpAddr::V6(ip))) => RData::AAAA(AAAA(*ip)),
                _ => continue,
            };
            response.add_answer(Record::from_rdata(question.name().clone(), 60, data));
        }
    }
    if !known {
        response.metadata.response_code = ResponseCode::NXDomain;
    }
    response.to_vec().ok()
}
