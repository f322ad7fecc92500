using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.ClickHouse;

/// <summary>The tally store. Section <c>Voting:ClickHouse</c>.</summary>
public sealed class ClickHouseOptions
{
    public const string Section = "Voting:ClickHouse";

    /// <summary>
    /// ClickHouse.Driver connection string (HTTP interface), without a database. Against the local
    /// ClickHouse 18.16 it must carry <c>JsonReadMode=None;JsonWriteMode=None</c>.
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    [Required, RegularExpression("^[a-z][a-z0-9_]{0,60}$")]
    public string Database { get; set; } = "voting";
}
