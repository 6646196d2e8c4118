using Npgsql;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Throughput;

/// <summary>
/// The write path (<c>EventWriter</c>, the Popolo source insert, the bulk path's read) writes Marten's tables with its own
/// SQL, so Marten features that add columns (tenancy, soft deletes, created-at, optimistic versions, duplicated fields)
/// would be bypassed there without an error. The tables must be exactly those the statements were written against: a
/// store setting or a Marten upgrade that changes them fails here, and the statements are reviewed with it.
/// </summary>
public sealed class WriterSchemaTests(AppFixture app) : ApiTest(app)
{
    private const string Document = "data,id,mt_dotnet_type,mt_last_modified,mt_version";

    [Fact]
    public async Task the_tables_the_writer_writes_have_the_columns_its_statements_name()
    {
        var expected = new Dictionary<string, string>
        {
            ["mt_events"] = "bdata,data,id,is_archived,mt_dotnet_type,seq_id,stream_id,tenant_id,timestamp,type,user_name,version",
            ["mt_streams"] = "compacted_version,created,id,is_archived,tenant_id,timestamp,type,version",
            ["mt_claim_index"] = "amendments,claimant_key,claimant_person_id,id,person_id,proposition_key,seq,source_id,type",
            ["mt_doc_contradiction"] = Document,
            ["mt_doc_entryid"] = Document,
            ["mt_doc_idempotencyrecord"] = Document,
            ["mt_doc_person"] = Document,
            ["mt_doc_sourcedocument"] = Document,
        };

        await using var dataSource = NpgsqlDataSource.Create(App.ConnectionString);
        await using var command = dataSource.CreateCommand("""
            select table_name, string_agg(column_name, ',' order by column_name) from information_schema.columns
            where table_schema = 'timeline' and table_name = any($1) group by table_name
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. expected.Keys] });
        var actual = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) actual[reader.GetString(0)] = reader.GetString(1);
        }

        foreach (var (table, columns) in expected) actual.GetValueOrDefault(table).ShouldBe(columns, table);
    }
}
