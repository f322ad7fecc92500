using System.Security.Cryptography;
using System.Text;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// A released migration never changes: a database that ran it records its version and never runs it
/// again, so an edit reaches fresh databases only (a column added to released migration 5 of the log
/// database once left the development stack's database without it, and anchoring failed there).
/// Changes go in a new migration; this test pins the statements of every released one.
/// </summary>
public sealed class ReleasedMigrationsTests
{
    [Theory]
    [InlineData("shards", 1, "73C759F4")]
    [InlineData("shards", 2, "D1F45F31")]
    [InlineData("shards", 3, "2C2E6BEA")]
    [InlineData("shards", 4, "FF781E85")]
    [InlineData("shards", 5, "7E0B5A7F")]
    [InlineData("log", 1, "FE37E4B2")]
    [InlineData("log", 2, "FE3918AB")]
    [InlineData("log", 3, "B5035F36")]
    [InlineData("log", 4, "0C8F30FB")]
    [InlineData("log", 5, "BC260AE1")]
    [InlineData("log", 6, "BDE57C8D")]
    [InlineData("log", 7, "1837FBBE")]
    public void A_released_migration_keeps_its_statements(string database, int version, string fingerprint)
    {
        var migration = (database == "shards" ? MySqlMigrations.All : MerkleLogMigrations.All).Single(m => m.Version == version);
        Assert.True(
            Fingerprint(migration) == fingerprint,
            $"{database} migration {version} changed (fingerprint {Fingerprint(migration)}, released as {fingerprint}): put the change in a new migration");
    }

    [Fact]
    public void Every_migration_is_pinned()
    {
        var pinned = typeof(ReleasedMigrationsTests).GetMethod(nameof(A_released_migration_keeps_its_statements))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => a.GetData(null!).Single()).Select(d => $"{d[0]} {d[1]}").ToHashSet();
        var all = MySqlMigrations.All.Select(m => ("shards", m)).Concat(MerkleLogMigrations.All.Select(m => ("log", m)));
        var missing = all.Where(m => !pinned.Contains($"{m.Item1} {m.m.Version}"))
            .Select(m => $"[InlineData(\"{m.Item1}\", {m.m.Version}, \"{Fingerprint(m.m)}\")]").ToList();
        Assert.True(missing.Count == 0, "pin each new migration once it is released: " + string.Join(" ", missing));
    }

    internal static string Fingerprint(MySqlMigration migration) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", migration.Statements()))))[..8];
}
