using MySqlConnector;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// What a failed store operation says in a log line: the error's own message, except where MariaDB
/// quotes a row's value in it. A duplicate key quotes the key ("Duplicate entry '…' for key
/// 'PRIMARY'"), and a participation row's key is the voter's pseudonym, which no log may carry.
/// </summary>
public static class StoreErrorText
{
    /// <summary>The text to log for <paramref name="error"/>.</summary>
    public static string For(Exception error) => error switch
    {
        MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry or MySqlErrorCode.DuplicateKeyName or MySqlErrorCode.TruncatedWrongValue or MySqlErrorCode.TruncatedWrongValueForField } mysql =>
            $"MySQL error {mysql.Number} ({mysql.ErrorCode}); its message quotes a row's value and is left out of the log",
        _ => error.Message,
    };
}
