/* global db -- mongosh provides `db` to docker-entrypoint-initdb.d scripts */
// Runs once, when the mongo container starts on an empty data volume (docker-entrypoint-initdb.d),
// as the root user. The app gets its own user, limited to its database: read/write documents and
// manage collections, indexes and validators (`streamline setup-store` creates those from our schemas).
const database = process.env.MONGO_APP_DATABASE;
db.getSiblingDB('admin').createUser({
  user: process.env.MONGO_APP_USER,
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: [
    { role: 'readWrite', db: database },
    { role: 'dbAdmin', db: database },
  ],
});
