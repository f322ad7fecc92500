namespace Voting.Infrastructure.MySql;

/// <summary>One versioned schema step, applied once to every shard database, in version order.</summary>
/// <param name="Version">Strictly increasing; recorded in each shard's <c>schema_migrations</c>.</param>
/// <param name="Description">What the step does, as operators will read it.</param>
/// <param name="Statements">DDL for one shard database (already selected); idempotent where MySQL allows.</param>
public sealed record MySqlMigration(int Version, string Description, Func<IEnumerable<string>> Statements);
