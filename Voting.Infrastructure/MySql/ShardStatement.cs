using System.Globalization;
using System.Text;
using MySqlConnector;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Builds one multi-statement command for a shard so a whole batch costs one round trip.
/// Byte strings and hours are written as literals (hex digits and a fixed date format can't
/// inject anything); text values always go through parameters, each distinct value once.
/// </summary>
internal sealed class ShardStatement
{
    private readonly StringBuilder sql = new(16 * 1024);
    private readonly Dictionary<string, string> textParameters = new(StringComparer.Ordinal);
    private readonly List<MySqlParameter> parameters = [];

    public bool IsEmpty => sql.Length == 0;

    public ShardStatement Append(string text)
    {
        sql.Append(text);
        return this;
    }

    /// <summary>Appends a text value as a parameter (one parameter per distinct value).</summary>
    public ShardStatement Text(string value)
    {
        if (!textParameters.TryGetValue(value, out var name))
        {
            name = "@t" + textParameters.Count.ToString(CultureInfo.InvariantCulture);
            textParameters.Add(value, name);
            parameters.Add(new MySqlParameter(name, value));
        }

        sql.Append(name);
        return this;
    }

    /// <summary>Appends a byte string as a hex literal.</summary>
    public ShardStatement Bytes(ReadOnlySpan<byte> value)
    {
        sql.Append("X'").Append(Convert.ToHexString(value)).Append('\'');
        return this;
    }

    /// <summary>Appends a UTC time truncated to the second as a DATETIME literal.</summary>
    public ShardStatement Time(DateTime value)
    {
        sql.Append('\'').Append(value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append('\'');
        return this;
    }

    public ShardStatement Number(long value)
    {
        sql.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public MySqlCommand ToCommand(MySqlConnection connection, MySqlTransaction? transaction)
    {
        var command = new MySqlCommand(sql.ToString(), connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
