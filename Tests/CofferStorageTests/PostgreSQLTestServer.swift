import CofferTestSupport

@testable import CofferStorage

extension PostgreSQLTestServer {
    /// A connection string for a new storage that lives in a schema of its own, so tests running at the
    /// same time never see each other's entries or locks.
    func makeSchema() throws -> (connectionString: String, schema: String) {
        let schema = nextSchemaName()
        _ = try execute("CREATE SCHEMA \(schema)")
        return (connectionString(schema: schema), schema)
    }

    /// A fresh, empty storage in a schema of its own.
    func makeStorage(readerCount: Int = 2) throws -> PostgreSQLStorage {
        try PostgreSQLStorage(connectionString: makeSchema().connectionString, readerCount: readerCount)
    }

    /// Runs administrative SQL of the test itself on a connection of its own.
    @discardableResult
    func execute(_ sql: String) throws -> PostgreSQLResult {
        let connection = try PostgreSQLConnection(
            connectionString: administrationConnectionString, statementTimeoutMilliseconds: 10_000)
        return try connection.execute(sql, operation: "test setup")
    }
}
