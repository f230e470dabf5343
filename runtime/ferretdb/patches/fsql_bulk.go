// Added to FerretDB v1.24.2 by streamline (runtime/ferretdb/patches.json, docs/decisions.md
// "FerretDB write path"): one SQLite transaction per client request instead of one per operation.
//
// A request that opts in (WithBulk) runs every statement that goes through DB.InTransaction and
// DB.BulkQueryContext on one connection inside one BEGIN IMMEDIATE ... COMMIT; each former
// transaction becomes a SAVEPOINT, so an operation that fails is still undone on its own and the
// operations before it stay written, as before. Requests that write through a bulk take turns per
// database (a Go mutex, so a waiter starts the moment the previous request commits instead of
// polling SQLite's busy handler). The client's acknowledgement still follows the COMMIT.
// The bulk's savepoint sub-journal stays in memory (temp_store=MEMORY while the bulk lasts).

package fsql

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/FerretDB/FerretDB/internal/util/resource"
)

// sqlTxLike is what Tx needs from a transaction: *sql.Tx, or a savepoint inside a bulk.
type sqlTxLike interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Commit() error
	Rollback() error
}

type bulkKey struct{}

// Bulk is one request's transactions, at most one per database; Finish commits them.
type Bulk struct {
	mu    sync.Mutex
	conns map[*DB]*bulkConn
}

type bulkConn struct {
	conn   *sql.Conn
	unlock func()
}

// No statement cache: modernc.org/sqlite v1.32 prepares the SQL text again on every Exec/Query,
// prepared or not (measured: no gain), so the bulk runs statements on its connection directly.
func (c *bulkConn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.conn.ExecContext(ctx, query, args...)
}

func (c *bulkConn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.conn.QueryContext(ctx, query, args...)
}

func (c *bulkConn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.conn.QueryRowContext(ctx, query, args...)
}

// close ends the bulk's use of its connection, temp_store back to the default.
func (c *bulkConn) close() {
	_, _ = c.conn.ExecContext(context.Background(), "PRAGMA temp_store = DEFAULT")
	_ = c.conn.Close()
	c.unlock()
}

// bulkLocks holds one *sync.Mutex per *DB: bulk transactions on a database take turns.
var bulkLocks sync.Map

// WithBulk returns a context whose writes share one transaction per database until Finish.
func WithBulk(ctx context.Context) (context.Context, *Bulk) {
	b := &Bulk{conns: map[*DB]*bulkConn{}}
	return context.WithValue(ctx, bulkKey{}, b), b
}

// Finish commits every transaction of the bulk (rolling back one whose COMMIT fails) and returns the
// first error. It commits even when the request failed half way: the operations before the failure
// were written one by one before this patch, and still are.
func (b *Bulk) Finish() error {
	b.mu.Lock()
	defer b.mu.Unlock()

	var first error
	for db, c := range b.conns {
		// The client may be gone (its context canceled); what was done is still committed, as before.
		ctx := context.Background()
		if _, err := c.conn.ExecContext(ctx, "COMMIT"); err != nil {
			_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
			first = errors.Join(first, err)
		}
		c.close()
		delete(b.conns, db)
	}
	return first
}

// bulkConn returns the connection of the bulk in ctx for db, beginning its transaction on first use,
// or nil when ctx carries no bulk.
func (db *DB) bulkConn(ctx context.Context) (*bulkConn, error) {
	b, _ := ctx.Value(bulkKey{}).(*Bulk)
	if b == nil {
		return nil, nil
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	if c := b.conns[db]; c != nil {
		return c, nil
	}

	lock, _ := bulkLocks.LoadOrStore(db, new(sync.Mutex))
	mu := lock.(*sync.Mutex)
	mu.Lock()

	conn, err := db.sqlDB.Conn(ctx)
	if err != nil {
		mu.Unlock()
		return nil, err
	}

	// The savepoints' sub-journal in memory instead of a temporary file (SQLite reads the setting
	// when the write transaction begins, so it comes first).
	if _, err = conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		_ = conn.Close()
		mu.Unlock()
		return nil, err
	}

	// IMMEDIATE takes the write lock now: a deferred transaction that reads first could not upgrade
	// to a writer after another connection committed (SQLITE_BUSY_SNAPSHOT, no retry).
	if _, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		_, _ = conn.ExecContext(context.Background(), "PRAGMA temp_store = DEFAULT")
		_ = conn.Close()
		mu.Unlock()
		return nil, err
	}

	c := &bulkConn{conn: conn, unlock: mu.Unlock}
	b.conns[db] = c
	return c, nil
}

// BulkQueryContext is QueryContext inside the bulk of ctx, if any.
func (db *DB) BulkQueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	c, err := db.bulkConn(ctx)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return db.QueryContext(ctx, query, args...)
	}
	rows, err := c.query(ctx, query, args...)
	return wrapRows(rows), err
}

// savepoint is one former transaction inside a bulk.
type savepoint struct {
	c *bulkConn
}

func (s *savepoint) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.c.query(ctx, query, args...)
}

func (s *savepoint) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return s.c.queryRow(ctx, query, args...)
}

func (s *savepoint) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.c.exec(ctx, query, args...)
}

func (s *savepoint) Commit() error {
	_, err := s.c.exec(context.Background(), "RELEASE ferretdb_op")
	return err
}

func (s *savepoint) Rollback() error {
	_, err := s.c.exec(context.Background(), "ROLLBACK TO ferretdb_op")
	_, rerr := s.c.exec(context.Background(), "RELEASE ferretdb_op")
	return errors.Join(err, rerr)
}

// inBulk runs f as a savepoint of the bulk connection c: f's statements are undone if f fails.
func (db *DB) inBulk(ctx context.Context, c *bulkConn, f func(*Tx) error) (err error) {
	if _, err = c.exec(ctx, "SAVEPOINT ferretdb_op"); err != nil {
		return err
	}

	tx := &Tx{sqlTx: &savepoint{c: c}, l: db.l, token: resource.NewToken()}
	resource.Track(tx, tx.token)

	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
		}
	}()

	if err = f(tx); err != nil {
		return
	}
	if err = tx.Commit(); err != nil {
		return
	}
	done = true
	return nil
}
