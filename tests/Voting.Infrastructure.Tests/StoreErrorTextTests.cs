using MySqlConnector;
using Voting.Infrastructure.MySql;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class StoreErrorTextTests
{
    [Fact]
    public async Task A_duplicate_key_from_MariaDB_is_logged_without_the_key_it_quotes()
    {
        var pseudonymLike = "voter-" + Guid.NewGuid().ToString("N");
        await using var connection = new MySqlConnection(LocalStack.MySql().ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var database = LocalStack.UniqueName("it_err");
        command.CommandText = $"CREATE DATABASE {database}; CREATE TEMPORARY TABLE {database}.t (k VARCHAR(64) PRIMARY KEY); INSERT INTO {database}.t VALUES (@k); INSERT INTO {database}.t VALUES (@k);";
        command.Parameters.AddWithValue("@k", pseudonymLike);
        MySqlException duplicate;
        try
        {
            duplicate = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteNonQueryAsync());
        }
        finally
        {
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS {database}", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Assert.Contains(pseudonymLike, duplicate.Message, StringComparison.Ordinal); // what MariaDB says

        var logged = StoreErrorText.For(duplicate);
        Assert.DoesNotContain(pseudonymLike, logged, StringComparison.Ordinal);
        Assert.Equal("MySQL error 1062 (DuplicateKeyEntry); its message quotes a row's value and is left out of the log", logged);
    }

    [Fact]
    public void Other_errors_are_logged_as_they_say() =>
        Assert.Equal("Connect Timeout expired.", StoreErrorText.For(new TimeoutException("Connect Timeout expired.")));
}
