//! Per-connection state: selected database, protocol version, name, auth, flags.

/// One client's state. Hosts create it with [`crate::Engine::connect`].
#[derive(Debug, Clone)]
pub struct Session {
    /// Unique, increasing client id (CLIENT ID).
    pub id: u64,
    /// Selected database.
    pub db: usize,
    /// Protocol version: 2 or 3.
    pub resp: u8,
    /// CLIENT SETNAME name (empty = none).
    pub name: Vec<u8>,
    /// CLIENT SETINFO LIB-NAME.
    pub lib_name: Vec<u8>,
    /// CLIENT SETINFO LIB-VER.
    pub lib_ver: Vec<u8>,
    /// Peer address `ip:port` (empty for embedded sessions).
    pub addr: String,
    /// Local address `ip:port`.
    pub laddr: String,
    /// File descriptor number reported by CLIENT LIST (-1 when none).
    pub fd: i64,
    /// Creation time (Unix ms).
    pub created_ms: i64,
    /// Time of the last command (Unix ms).
    pub last_interaction_ms: i64,
    /// Full name of the last command run (`client|list`).
    pub last_cmd: &'static str,
    /// Close the connection once the pending replies are written (QUIT).
    pub close_after_reply: bool,
    /// Authenticated (always true when no password is required).
    pub authenticated: bool,
    /// ACL user name.
    pub user: String,
    /// ACL user id (`crate::acl`; 0 = default).
    pub acl_user: usize,
    /// Inside MULTI.
    pub in_multi: bool,
    /// A command was refused while queueing: EXEC will answer EXECABORT.
    pub multi_error: bool,
    /// Queued commands.
    pub multi_queue: Vec<crate::cmd::ArgvBuf>,
    /// Keys this client WATCHes.
    pub watched: Vec<crate::cmd::multi::Watched>,
    /// Subscribed channels, in subscription order.
    pub sub_channels: Vec<Vec<u8>>,
    /// Subscribed patterns, in subscription order.
    pub sub_patterns: Vec<Vec<u8>>,
    /// Subscribed shard channels.
    pub sub_shard: Vec<Vec<u8>>,
    /// May block (network clients); embedded callers never block.
    pub can_block: bool,
    /// Query buffer length (set by the host, for CLIENT LIST `qbuf`).
    pub qbuf: usize,
    /// Pending output bytes (set by the host, for CLIENT LIST `omem`).
    pub omem: usize,
    /// CLIENT NO-EVICT ON: never evicted for client memory (CLIENT LIST flag `e`).
    pub no_evict: bool,
    /// CLIENT NO-TOUCH ON: reads do not update keys' access time (CLIENT LIST flag `T`).
    pub no_touch: bool,
}

impl Session {
    /// A fresh session with the given id, created at `now` ms.
    pub fn new(id: u64, now: i64) -> Session {
        Session {
            id,
            db: 0,
            resp: 2,
            name: Vec::new(),
            lib_name: Vec::new(),
            lib_ver: Vec::new(),
            addr: String::new(),
            laddr: String::new(),
            fd: -1,
            created_ms: now,
            last_interaction_ms: now,
            last_cmd: "NULL",
            close_after_reply: false,
            authenticated: true,
            user: "default".into(),
            acl_user: 0,
            can_block: false,
            in_multi: false,
            sub_channels: Vec::new(),
            sub_patterns: Vec::new(),
            sub_shard: Vec::new(),
            multi_error: false,
            multi_queue: Vec::new(),
            watched: Vec::new(),
            qbuf: 0,
            omem: 0,
            no_evict: false,
            no_touch: false,
        }
    }

    /// Whether the client has any subscription (RESP2 "subscribed mode").
    pub fn subscribed(&self) -> bool {
        !(self.sub_channels.is_empty() && self.sub_patterns.is_empty() && self.sub_shard.is_empty())
    }

    /// Whether replies use RESP3.
    pub fn resp3(&self) -> bool {
        self.resp >= 3
    }
}
