using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>The lookup of which pseudonyms have a participation row, as one UNION ALL part per participation table.</summary>
internal static class ParticipationQuery
{
    /// <summary>
    /// Appends <c>SELECT {leading}, pseudonym FROM participation_NN WHERE election_id = … AND pseudonym IN (…)</c>,
    /// joined by <c>UNION ALL</c> to whatever the statement already holds.
    /// </summary>
    public static ShardStatement AppendVoted(this ShardStatement statement, string leading, int table, string electionId, IEnumerable<byte[]> pseudonyms)
    {
        statement.Append(statement.IsEmpty ? "" : " UNION ALL ")
            .Append($"SELECT {leading}, pseudonym FROM `{ShardLayout.ParticipationTable(table)}` WHERE election_id = ")
            .Text(electionId).Append(" AND pseudonym IN (");
        var first = true;
        foreach (var pseudonym in pseudonyms)
        {
            statement.Append(first ? "" : ",").Bytes(pseudonym);
            first = false;
        }

        return statement.Append(")");
    }
}
