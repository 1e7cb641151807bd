import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';
import { ExportJobsService } from './export-jobs.service';
import { CreateExportDto, ExportJobView, ExportQuery } from './feedback.dto';
import { FeedbackService } from './feedback.service';
import { Allow, roles } from '../auth/allow.decorator';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('v1/feedback')
@Allow(roles('admin', 'lead', 'analyst'))
export class FeedbackController {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly exportJobs: ExportJobsService,
  ) {}

  @Get('export')
  @ApiOperation({
    summary: 'Stream human decisions as jsonl, csv, chat or preference data (admin, lead, analyst)',
    description:
      'Streamed from a database cursor, never buffered. jsonl/csv: one record per review, oldest decision first. ' +
      'chat/preference: one line per item from its final human decision (escalations are not verdicts). ' +
      'gzip with ?gzip=1 or Accept-Encoding: gzip.',
  })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({
    description: 'the records: JSON lines (jsonl, chat, preference) or CSV',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(400, 403, 404, [
    429,
    'EXPORT_MAX_CONCURRENT exports are already streaming; retry after Retry-After seconds',
  ])
  stream(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ExportQuery,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.feedback.streamExport(principal, query, req, res);
  }

  @Post('exports')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run an export in the background; poll it and download the file when done',
  })
  @ApiAcceptedResponse({ type: ExportJobView })
  @ApiErrors(403, 404)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateExportDto) {
    return this.exportJobs.create(principal, body);
  }

  @Get('exports')
  @ApiOperation({ summary: "List background exports (yours; admins and leads see everyone's)" })
  @ApiOkResponse({ type: [ExportJobView] })
  @ApiErrors(403)
  list(@CurrentPrincipal() principal: Principal) {
    return this.exportJobs.list(principal);
  }

  @Get('exports/:id')
  @ApiOperation({ summary: 'Progress of a background export' })
  @ApiOkResponse({ type: ExportJobView })
  @ApiErrors(400, 403, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.exportJobs.get(principal, id);
  }

  @Get('exports/:id/download')
  @ApiOperation({ summary: 'Download the file of a finished background export' })
  @ApiProduces('application/x-ndjson', 'text/csv', 'application/gzip')
  @ApiOkResponse({
    description: 'the export file',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
      'application/gzip': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiErrors(
    400,
    403,
    404,
    [409, 'the export is not done yet'],
    [410, 'the file was removed; run the export again'],
  )
  download(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ) {
    return this.exportJobs.download(principal, id, res);
  }
}
