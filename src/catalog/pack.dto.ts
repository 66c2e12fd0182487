import { ApiProperty } from '@nestjs/swagger';

export class PackPluginDto {
  @ApiProperty({ example: 'apple-devices' }) name: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { latestIosMajor: 18 } }) params: Record<string, unknown>;
}

export class PackRoutingDto {
  @ApiProperty({ required: false, type: [String], example: ['zendesk'] }) sources?: readonly string[];
  @ApiProperty({ required: false, type: [String], example: ['printers'] }) tags?: readonly string[];
}

/** A loaded pack: its folder name is its id. */
export class PackDto {
  @ApiProperty({ example: 'icloud-backup' }) id: string;
  @ApiProperty({ example: 'iCloud Backup (iPhone and iPad)' }) name: string;
  @ApiProperty({ example: '2026.12.2' }) version: string;
  @ApiProperty({ example: '2026.12.2/0', description: 'The cause-model weights in use' }) modelVersion: string;
  @ApiProperty({ type: [PackPluginDto] }) plugins: PackPluginDto[];
  @ApiProperty({ type: PackRoutingDto, description: 'Every list given must match a ticket; empty: only as the default' })
  routing: PackRoutingDto;
  @ApiProperty({ description: 'No model.json: the rules alone decide' }) rulesOnly: boolean;
  @ApiProperty({ description: 'Triages every ticket no routing claims (DEFAULT_PACK)' }) default: boolean;
}

export class PackListDto {
  @ApiProperty({ type: [PackDto], description: 'In routing order (by id)' }) items: PackDto[];
}
