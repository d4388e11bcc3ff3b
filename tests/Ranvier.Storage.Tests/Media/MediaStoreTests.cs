using Ranvier.Storage.Media;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Media;

public sealed class MediaStoreTests : StoreTestBase
{
    private const string Origin = "test";
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static MediaContent Content(long size, long uploadedTs = 10) => new("image/png", "cat.png", size, Hash, uploadedTs);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task An_upload_is_read_back_with_its_metadata(string engine) => WithStoreAsync(engine, async store =>
    {
        (await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "abc", Alice, 5), Content(100), null)).ShouldBe(MediaWriteResult.Written);

        var media = (await store.Media.GetAsync(Origin, "abc"))!;
        media.ShouldBe(new MediaRecord(Origin, "abc", Alice, 5)
        {
            ContentType = "image/png",
            UploadName = "cat.png",
            Size = 100,
            Sha256 = Hash,
            UploadedTs = 10,
        });
        media.IsUploaded.ShouldBeTrue();
        (await store.Media.GetAsync("elsewhere", "abc")).ShouldBeNull();
        (await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "abc", Bob, 6), Content(1), null)).ShouldBe(MediaWriteResult.Conflict);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_quota_counts_every_upload_of_the_user_and_refuses_without_writing(string engine) => WithStoreAsync(engine, async store =>
    {
        (await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "one", Alice, 1), Content(60), quotaBytes: 100)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "two", Alice, 1), Content(41), quotaBytes: 100)).ShouldBe(MediaWriteResult.QuotaExceeded);
        (await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "three", Bob, 1), Content(41), quotaBytes: 100)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "four", Alice, 1), Content(40), quotaBytes: 100)).ShouldBe(MediaWriteResult.Written);

        (await store.Media.GetAsync(Origin, "two")).ShouldBeNull();
        (await store.Media.GetUploadedBytesAsync(Alice)).ShouldBe(100);
        (await store.Media.GetUploadedBytesAsync(Bob)).ShouldBe(41);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_reservation_is_completed_once_by_its_owner(string engine) => WithStoreAsync(engine, async store =>
    {
        (await store.Media.ReserveAsync(Origin, "r1", Alice, nowTs: 100, expiresTs: 200, maxPending: 5)).ShouldBe(MediaWriteResult.Written);
        var pending = (await store.Media.GetAsync(Origin, "r1"))!;
        pending.IsUploaded.ShouldBeFalse();
        pending.ExpiresTs.ShouldBe(200);

        (await store.Media.CompleteReservationAsync(Origin, "r1", Bob, Content(5), nowTs: 150, null)).ShouldBe(MediaWriteResult.NotOwner);
        (await store.Media.CompleteReservationAsync(Origin, "r1", Alice, Content(5), nowTs: 150, null)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.CompleteReservationAsync(Origin, "r1", Alice, Content(5), nowTs: 160, null)).ShouldBe(MediaWriteResult.AlreadyUploaded);
        (await store.Media.CompleteReservationAsync(Origin, "unknown", Alice, Content(5), nowTs: 160, null)).ShouldBe(MediaWriteResult.NotFound);

        var done = (await store.Media.GetAsync(Origin, "r1"))!;
        done.IsUploaded.ShouldBeTrue();
        done.ExpiresTs.ShouldBeNull();
        done.Sha256.ShouldBe(Hash);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_lapsed_reservation_cannot_be_completed_and_is_swept(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Media.ReserveAsync(Origin, "old", Alice, nowTs: 100, expiresTs: 200, maxPending: 5);
        await store.Media.ReserveAsync(Origin, "young", Alice, nowTs: 150, expiresTs: 300, maxPending: 5);

        (await store.Media.CompleteReservationAsync(Origin, "old", Alice, Content(5), nowTs: 200, null)).ShouldBe(MediaWriteResult.NotFound);
        (await store.Media.DeleteLapsedReservationsAsync(nowTs: 200)).ShouldBe(1);

        (await store.Media.GetAsync(Origin, "old")).ShouldBeNull();
        (await store.Media.GetAsync(Origin, "young")).ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Pending_reservations_are_limited_per_user_and_lapsed_ones_do_not_count(string engine) => WithStoreAsync(engine, async store =>
    {
        (await store.Media.ReserveAsync(Origin, "a", Alice, 100, 200, maxPending: 2)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.ReserveAsync(Origin, "b", Alice, 100, 300, maxPending: 2)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.ReserveAsync(Origin, "c", Alice, 150, 400, maxPending: 2)).ShouldBe(MediaWriteResult.TooManyPending);
        (await store.Media.ReserveAsync(Origin, "d", Bob, 150, 400, maxPending: 2)).ShouldBe(MediaWriteResult.Written);

        // An upload frees its slot; so does a lapse.
        await store.Media.CompleteReservationAsync(Origin, "b", Alice, Content(1), 160, null);
        (await store.Media.ReserveAsync(Origin, "e", Alice, 170, 400, maxPending: 2)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.ReserveAsync(Origin, "f", Alice, 200, 400, maxPending: 2)).ShouldBe(MediaWriteResult.Written);
        (await store.Media.GetAsync(Origin, "a")).ShouldBeNull();
        (await store.Media.GetAsync(Origin, "c")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Thumbnails_are_kept_per_size_and_method(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Media.InsertUploadedAsync(new MediaRecord(Origin, "img", Alice, 1), Content(100), null);
        var crop = new MediaThumbnailRecord(Origin, "img", 32, 32, "crop", "image/png", 10, Hash);
        await store.Media.AddThumbnailAsync(crop);
        await store.Media.AddThumbnailAsync(crop with { Size = 999 });

        (await store.Media.GetThumbnailAsync(Origin, "img", 32, 32, "crop")).ShouldBe(crop);
        (await store.Media.GetThumbnailAsync(Origin, "img", 32, 32, "scale")).ShouldBeNull();
        (await store.Media.GetThumbnailAsync(Origin, "img", 96, 96, "crop")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_url_preview_is_cached_until_it_is_too_old(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Media.StoreUrlPreviewAsync("https://example.org/", 1000, "{\"og:title\":\"one\"}");

        (await store.Media.GetUrlPreviewAsync("https://example.org/", notBeforeTs: 1000)).ShouldBe("{\"og:title\":\"one\"}");
        (await store.Media.GetUrlPreviewAsync("https://example.org/", notBeforeTs: 1001)).ShouldBeNull();
        (await store.Media.GetUrlPreviewAsync("https://example.com/", notBeforeTs: 0)).ShouldBeNull();

        await store.Media.StoreUrlPreviewAsync("https://example.org/", 2000, "{\"og:title\":\"two\"}");
        (await store.Media.GetUrlPreviewAsync("https://example.org/", notBeforeTs: 1500)).ShouldBe("{\"og:title\":\"two\"}");
    });
}
